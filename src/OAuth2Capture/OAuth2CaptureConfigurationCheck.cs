using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace OAuth2Capture;

/// <summary>
/// Reads the <c>OAuth2Capture</c> configuration section against the options it binds to, before binding, so that a
/// misspelt key or a value of the wrong kind fails start-up with a message naming the full key, what was found and what
/// is accepted (the configuration binder's own errors name a type, not the key's provider, and list no valid values).
/// </summary>
internal static class OAuth2CaptureConfigurationCheck
{
    /// <summary>Every problem of <paramref name="section"/>, as <paramref name="type"/> would bind it; none when it binds.</summary>
    public static IReadOnlyList<string> Check(IConfiguration section, Type type)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(type);
        var errors = new List<string>();
        CheckObject(section, type, section is IConfigurationSection named ? named.Path : OAuth2CaptureDefaults.ConfigurationSection, errors);
        return errors;
    }

    private static void CheckObject(IConfiguration section, Type type, string path, List<string> errors)
    {
        var settings = Settings(type);
        foreach (var child in section.GetChildren())
        {
            var key = $"{path}:{child.Key}";
            if (!settings.TryGetValue(child.Key, out var property))
            {
                errors.Add(Unknown(key, child.Key, settings.Keys, type));
                continue;
            }

            if (IsCode(property.PropertyType))
            {
                errors.Add($"{key} cannot be set in configuration: set it in code (AddOAuth2Capture(options => …)).");
                continue;
            }

            CheckValue(child, property.PropertyType, key, errors);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, string key, List<string> errors)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (!IsScalar(type) && section.Value is { Length: > 0 } single && ListElementType(type) is not null)
        {
            errors.Add($"{key} is '{single}', but it takes a list: in JSON an array such as [ \"{string.Join("\", \"", single.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))}\" ], or the keys {key}:0, {key}:1 and so on.");
            return;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in section.GetChildren())
            {
                CheckValue(child, valueType, $"{key}:{child.Key}", errors);
            }
        }
        else if (ListElementType(type) is { } elementType)
        {
            foreach (var child in section.GetChildren())
            {
                CheckValue(child, elementType, $"{key}:{child.Key}", errors);
            }
        }
        else if (IsScalar(type))
        {
            if (section.Value is null)
            {
                if (section.GetChildren().Any())
                {
                    errors.Add($"{key} takes a single value ({Describe(type)}), not a section.");
                }
            }
            else if (!Converts(section.Value, type))
            {
                errors.Add($"{key} is '{section.Value}', which is not {Describe(type)}.");
            }
        }
        else if (section.Value is { Length: > 0 } value)
        {
            errors.Add($"{key} is a section of settings ({string.Join(", ", Settings(type).Keys.Order(StringComparer.Ordinal))}), not the value '{value}'.");
        }
        else
        {
            CheckObject(section, type, key, errors);
        }
    }

    private static string Unknown(string key, string name, IEnumerable<string> known, Type type)
    {
        var names = known.Order(StringComparer.Ordinal).ToList();
        var closest = names.Select(candidate => (candidate, distance: Distance(name.ToUpperInvariant(), candidate.ToUpperInvariant())))
            .Where(c => c.distance <= Math.Max(1, name.Length / 4))
            .OrderBy(c => c.distance)
            .Select(c => c.candidate)
            .FirstOrDefault();
        var what = type == typeof(Providers.OAuthProviderOptions) ? "a provider's setting" : "a setting here";
        return closest is not null
            ? $"{key} is not {what}: did you mean {closest}?"
            : $"{key} is not {what}. The settings here are: {string.Join(", ", names)}.";
    }

    /// <summary>The properties the binder would set, by name, case-insensitively as it matches them.</summary>
    private static Dictionary<string, PropertyInfo> Settings(Type type)
        => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod?.IsPublic == true || DictionaryValueType(p.PropertyType) is not null || ListElementType(p.PropertyType) is not null))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Delegates, types and event holders: what configuration cannot express.</summary>
    private static bool IsCode(Type type)
        => typeof(Delegate).IsAssignableFrom(type) || type == typeof(Type) || type == typeof(Reauth.OAuth2CaptureEvents);

    private static bool IsScalar(Type type)
        => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);

    private static bool Converts(string value, Type type)
    {
        if (type == typeof(string))
        {
            return true;
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, value, ignoreCase: true, out _);
        }

        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or NotSupportedException or ArgumentException or OverflowException
            || exception.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type)
        => type switch
        {
            _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type))}",
            _ when type == typeof(TimeSpan) => "a time span: write [d.]hh:mm:ss, for example 00:05:00 for 5 minutes or 7.00:00:00 for 7 days",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "a number (with a dot as the decimal separator)",
            _ when type == typeof(Uri) => "a URL",
            _ => $"a value of type {type.Name}",
        };

    private static Type? DictionaryValueType(Type type)
        => GenericArgument(type, typeof(IDictionary<,>), 1) ?? GenericArgument(type, typeof(IReadOnlyDictionary<,>), 1);

    private static Type? ListElementType(Type type)
        => type == typeof(string) || DictionaryValueType(type) is not null
            ? null
            : type.IsArray ? type.GetElementType() : GenericArgument(type, typeof(IEnumerable<>), 0) is { } element && typeof(IEnumerable).IsAssignableFrom(type) ? element : null;

    private static Type? GenericArgument(Type type, Type generic, int index)
        => (type.IsGenericType && type.GetGenericTypeDefinition() == generic ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic))
            ?.GetGenericArguments()[index];

    /// <summary>Levenshtein distance, for "did you mean".</summary>
    internal static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
