using System.Globalization;

namespace OAuth2Capture.Providers.Responses;

/// <summary>
/// The bounds on what one provider may send back, from <c>OAuth2Capture:Resilience</c>: the body's size, how long the body
/// may take once the headers arrived, and how deeply its JSON may nest.
/// </summary>
/// <param name="MaxSize">The largest body read, in bytes.</param>
/// <param name="BodyTimeout">How long the body may take to arrive.</param>
/// <param name="MaxJsonDepth">The deepest JSON nesting parsed.</param>
internal sealed record ProviderResponseLimits(long MaxSize, TimeSpan BodyTimeout, int MaxJsonDepth)
{
    private const string Key = OAuth2CaptureDefaults.ConfigurationSection + ":Resilience";

    /// <summary>Gets the defaults of <see cref="OAuth2CaptureResilienceOptions"/>.</summary>
    public static ProviderResponseLimits Default { get; } = From(new OAuth2CaptureResilienceOptions());

    /// <summary>Reads the bounds from the resilience options.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The bounds.</returns>
    public static ProviderResponseLimits From(OAuth2CaptureResilienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.MaxResponseSize, options.ResponseBodyTimeout, options.MaxResponseJsonDepth);
    }

    /// <summary>Describes a body over <see cref="MaxSize"/>, naming the key that raises it.</summary>
    public string TooLarge(string providerName, int status)
        => string.Create(CultureInfo.InvariantCulture, $"{providerName} answered HTTP {status} with a body larger than {Bytes(MaxSize)}; it was not read ({Key}:MaxResponseSize).");

    /// <summary>Describes a body that did not arrive within <see cref="BodyTimeout"/>.</summary>
    public string TooSlow(string providerName, int status)
        => string.Create(CultureInfo.InvariantCulture, $"{providerName} answered HTTP {status} but did not finish sending the body within {BodyTimeout.TotalSeconds:0.###} s ({Key}:ResponseBodyTimeout).");

    /// <summary>Describes JSON nested deeper than <see cref="MaxJsonDepth"/>.</summary>
    public string TooDeep(string providerName, int status)
        => string.Create(CultureInfo.InvariantCulture, $"{providerName} answered HTTP {status} with JSON nested deeper than {MaxJsonDepth} levels; it was not read ({Key}:MaxResponseJsonDepth).");

    private static string Bytes(long value)
        => value % (1 << 20) == 0 ? string.Create(CultureInfo.InvariantCulture, $"{value >> 20} MiB")
            : value % 1024 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{value >> 10} KiB")
            : string.Create(CultureInfo.InvariantCulture, $"{value} bytes");
}
