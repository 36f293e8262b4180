using Microsoft.Extensions.Options;

namespace OAuth2Capture.Background;

/// <summary>Checks <see cref="OAuth2CaptureOptions.BackgroundRefresh"/>, naming each key, all errors at once.</summary>
internal sealed class BackgroundRefreshOptionsValidator : IValidateOptions<OAuth2CaptureOptions>
{
    private const string Section = OAuth2CaptureDefaults.ConfigurationSection + ":BackgroundRefresh";

    public ValidateOptionsResult Validate(string? name, OAuth2CaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.BackgroundRefresh;
        var builder = new ValidateOptionsResultBuilder();
        Positive(builder, nameof(o.Interval), o.Interval);
        if (o.Window < TimeSpan.Zero)
        {
            builder.AddError($"{Section}:Window must not be negative (found {o.Window}).");
        }

        if (o.KeepAliveAfter is { } keepAlive)
        {
            Positive(builder, nameof(o.KeepAliveAfter), keepAlive);
        }

        foreach (var (provider, age) in o.KeepAliveAfterByProvider)
        {
            Positive(builder, $"KeepAliveAfterByProvider:{provider}", age);
        }

        AtLeastOne(builder, nameof(o.MaxConcurrency), o.MaxConcurrency);
        AtLeastOne(builder, nameof(o.MaxConcurrencyPerProvider), o.MaxConcurrencyPerProvider);
        if (o.RefreshesPerSecondPerProvider is { } rate)
        {
            AtLeastOne(builder, nameof(o.RefreshesPerSecondPerProvider), rate);
        }

        Positive(builder, nameof(o.CoolDown), o.CoolDown);
        if (o.MaxCoolDown < o.CoolDown)
        {
            builder.AddError($"{Section}:MaxCoolDown must be at least CoolDown ({o.CoolDown}; found {o.MaxCoolDown}).");
        }

        Positive(builder, nameof(o.GiveUpAfter), o.GiveUpAfter);
        if (o.ExpiryNoticeWindow is { } notice)
        {
            Positive(builder, nameof(o.ExpiryNoticeWindow), notice);
        }

        if (o.PageSize is < 1 or > 10_000)
        {
            builder.AddError($"{Section}:PageSize must be between 1 and 10000 (found {o.PageSize}).");
        }

        return builder.Build();
    }

    private static void Positive(ValidateOptionsResultBuilder builder, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            builder.AddError($"{Section}:{key} must be positive (found {value}).");
        }
    }

    private static void AtLeastOne(ValidateOptionsResultBuilder builder, string key, int value)
    {
        if (value < 1)
        {
            builder.AddError($"{Section}:{key} must be at least 1 (found {value}).");
        }
    }
}
