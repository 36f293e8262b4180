using Microsoft.EntityFrameworkCore;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

/// <summary>Checks the PostgreSQL mapping without a server: the model and its DDL only.</summary>
public sealed class PostgreSqlModelTests
{
    [Fact]
    public void Library_context_on_PostgreSql_stores_dates_as_timestamptz()
    {
        using var context = new OAuth2CaptureDbContext(new DbContextOptionsBuilder<OAuth2CaptureDbContext>()
            .UseNpgsql("Host=postgres.invalid;Database=app")
            .Options);

        var script = context.Database.GenerateCreateScript();

        Assert.Contains("\"UpdatedAt\" timestamp with time zone NOT NULL", script);
        Assert.Contains("\"AccessTokenExpiresAt\" timestamp with time zone", script);
        Assert.DoesNotContain("bigint", script);
        Assert.Contains("\"ConcurrencyToken\" character varying(64) NOT NULL", script);
        Assert.Contains("CREATE UNIQUE INDEX \"IX_oauth2capture_tokens_Provider_ProviderUserId\"", script);
        Assert.Contains("CREATE TABLE oauth2capture_tokens", script);
    }

    [Fact]
    public void Date_written_with_a_local_offset_is_normalized_to_UTC_for_timestamptz()
    {
        using var context = new OAuth2CaptureDbContext(new DbContextOptionsBuilder<OAuth2CaptureDbContext>()
            .UseNpgsql("Host=postgres.invalid;Database=app")
            .Options);
        var converter = context.Model.FindEntityType(typeof(OAuthToken))!
            .FindProperty(nameof(OAuthToken.UpdatedAt))!.GetTypeMapping().Converter!;
        var local = new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(5));

        var written = (DateTimeOffset)converter.ConvertToProvider(local)!;

        Assert.Equal(TimeSpan.Zero, written.Offset);
        Assert.Equal(local, written);
    }
}
