using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace OAuth2Capture.Storage.Configurations;

/// <summary>Maps <see cref="OAuthToken"/> to the <c>oauth2capture_tokens</c> table.</summary>
/// <param name="storeDatesAsUtcTicks">Whether date columns hold UTC ticks (SQLite) rather than the native date type.</param>
internal sealed class OAuthTokenConfiguration(bool storeDatesAsUtcTicks) : IEntityTypeConfiguration<OAuthToken>
{
    /// <summary>The table name.</summary>
    public const string TableName = "oauth2capture_tokens";

    /// <summary>The longest <see cref="OAuthToken.RefreshLeaseOwner"/> stored.</summary>
    public const int MaxLeaseOwnerLength = 100;

    /// <summary>
    /// The longest <see cref="OAuthToken.ProviderUserId"/> stored: OpenID Connect's bound on <c>sub</c> (255 ASCII
    /// characters). An id is identity, so a longer one is refused at connect, never cut.
    /// </summary>
    public const int MaxProviderUserIdLength = 255;

    /// <summary>The longest <see cref="OAuthToken.DisplayName"/> stored; a longer name is cut with an ellipsis (<see cref="StoredText"/>).</summary>
    public const int MaxDisplayNameLength = 200;

    // SQLite has no date type: EF Core stores DateTimeOffset as text there and refuses to compare or order it on the
    // server. UTC ticks sort and compare as integers, and lose nothing but the offset (values come back as UTC).
    private static readonly ValueConverter<DateTimeOffset, long> UtcTicks = new(
        value => value.UtcTicks,
        value => new DateTimeOffset(value, TimeSpan.Zero));

    // Npgsql writes only zero-offset values to timestamptz; normalize instead of failing on a local-offset value.
    private static readonly ValueConverter<DateTimeOffset, DateTimeOffset> Utc = new(
        value => value.ToUniversalTime(),
        value => value);

    /// <inheritdoc/>
    public void Configure(EntityTypeBuilder<OAuthToken> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.ToTable(TableName);
        builder.HasKey(token => token.Id);

        builder.Property(token => token.OwnerId).IsRequired().HasMaxLength(200);
        builder.Property(token => token.Provider).IsRequired().HasMaxLength(50);
        builder.Property(token => token.ProviderUserId).IsRequired().HasMaxLength(MaxProviderUserIdLength);
        builder.Property(token => token.DisplayName).HasMaxLength(MaxDisplayNameLength);
        builder.Property(token => token.EncryptedAccessToken).IsRequired();

        // The provider chooses these and no standard bounds them (a Google grant lists every scope as a URL): unbounded
        // text, so a legal answer never fails the write. Provider answers themselves are bounded in size when read.
        builder.Property(token => token.TokenType);
        builder.Property(token => token.Scope);
        builder.Property(token => token.LastError).HasMaxLength(1000);
        builder.Property(token => token.Status).IsRequired().HasConversion<string>().HasMaxLength(30);
        builder.Property(token => token.ReauthReason).IsRequired().HasConversion<string>().HasMaxLength(30);
        builder.Property(token => token.RefreshLeaseOwner).HasMaxLength(MaxLeaseOwnerLength);
        builder.Property(token => token.ConcurrencyToken).IsRequired().HasMaxLength(64).IsConcurrencyToken();

        MapDate(builder.Property(token => token.AccessTokenExpiresAt));
        MapDate(builder.Property(token => token.RefreshTokenExpiresAt));
        MapDate(builder.Property(token => token.CreatedAt));
        MapDate(builder.Property(token => token.UpdatedAt));
        MapDate(builder.Property(token => token.LastRefreshedAt));
        MapDate(builder.Property(token => token.AuthorizedAt));
        MapDate(builder.Property(token => token.LastErrorAt));
        MapDate(builder.Property(token => token.RefreshLeaseExpiresAt));
        MapDate(builder.Property(token => token.FailingSince));
        MapDate(builder.Property(token => token.ExpiryNoticeSentFor));

        // One provider account belongs to one local user: never a second row, never a silent move.
        builder.HasIndex(token => new { token.Provider, token.ProviderUserId }).IsUnique();
        builder.HasIndex(token => new { token.OwnerId, token.Provider });
        builder.HasIndex(token => new { token.Status, token.AccessTokenExpiresAt });
    }

    private void MapDate<TProperty>(PropertyBuilder<TProperty> property)
    {
        // A converter for DateTimeOffset also applies to DateTimeOffset? (nulls never reach it).
        if (storeDatesAsUtcTicks)
        {
            property.HasConversion(UtcTicks);
        }
        else
        {
            property.HasConversion(Utc);
        }
    }
}
