using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Benchmarks.Infrastructure;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Benchmarks.Storm;

/// <summary>What one naive caller got.</summary>
internal readonly record struct NaiveOutcome(bool Succeeded, bool CalledTokenEndpoint, bool WriteConflict, string? Error, string? AccessToken);

/// <summary>
/// The baseline to beat: a refresh WITHOUT single flight, as an app writes it by hand. Each caller reads the row, and when
/// the access token is due it posts the refresh token it read to the token endpoint (a plain <see cref="HttpClient"/>
/// form POST, no retries) and writes what comes back. With rotation on, every caller that posts an already-redeemed
/// refresh token gets <c>invalid_grant</c>.
/// </summary>
internal sealed class NaiveRefresher(BenchApp app) : IDisposable
{
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task<NaiveOutcome> GetTokenAsync(string owner, CancellationToken cancellationToken)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var protector = scope.ServiceProvider.GetRequiredService<ITokenProtector>();

        var row = await store.FindLatestAsync(owner, BenchApp.Provider, cancellationToken);
        if (row is null)
        {
            return new NaiveOutcome(false, false, false, "not_connected", null);
        }

        var now = app.Clock.GetUtcNow();
        if (row.AccessTokenExpiresAt is not { } expiresAt || expiresAt - Skew > now)
        {
            return new NaiveOutcome(true, false, false, null, protector.Unprotect(row.EncryptedAccessToken));
        }

        if (row.EncryptedRefreshToken is null)
        {
            return new NaiveOutcome(false, false, false, "no_refresh_token", null);
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = protector.Unprotect(row.EncryptedRefreshToken),
            ["client_id"] = app.Dev.Options.ClientId,
            ["client_secret"] = app.Dev.Options.ClientSecret,
        });
        using var response = await http.PostAsync(app.Dev.TokenEndpoint, form, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var error = root.TryGetProperty("error", out var code) ? code.GetString() : $"http_{(int)response.StatusCode}";
            return new NaiveOutcome(false, true, false, error, null);
        }

        var accessToken = root.GetProperty("access_token").GetString()!;
        row.EncryptedAccessToken = protector.Protect(accessToken);
        if (root.TryGetProperty("refresh_token", out var refresh) && refresh.GetString() is { } rotated)
        {
            row.EncryptedRefreshToken = protector.Protect(rotated);
        }

        row.AccessTokenExpiresAt = root.TryGetProperty("expires_in", out var expiresIn) ? now.AddSeconds(expiresIn.GetInt32()) : null;
        row.LastRefreshedAt = now;
        row.UpdatedAt = now;
        var written = await store.TryUpdateAsync(row, cancellationToken);
        return new NaiveOutcome(true, true, !written, null, accessToken);
    }

    public void Dispose() => http.Dispose();
}
