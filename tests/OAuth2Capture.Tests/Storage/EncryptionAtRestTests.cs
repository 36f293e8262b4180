using Microsoft.AspNetCore.DataProtection;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

public sealed class EncryptionAtRestTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Stored_row_contains_no_token_text_in_any_column()
    {
        const string AccessToken = "gho_AccessTokenPlaintext1234567890";
        const string RefreshToken = "ghr_RefreshTokenPlaintext0987654321";
        var protector = new DataProtectionTokenProtector(new EphemeralDataProtectionProvider());
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        token.EncryptedAccessToken = protector.Protect(AccessToken);
        token.EncryptedRefreshToken = protector.Protect(RefreshToken);
        await _database.CreateStore().CreateAsync(token, Ct);

        using var command = _database.Connection.CreateCommand();
        command.CommandText = "SELECT * FROM oauth2capture_tokens";
        using var reader = command.ExecuteReader();
        var columns = new List<string>();
        while (reader.Read())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                columns.Add(reader.IsDBNull(i) ? string.Empty : Convert.ToString(reader.GetValue(i))!);
            }
        }

        Assert.Equal(26, columns.Count); // 21 + the refresh lease (owner, expiry) + the back-off and notice bookkeeping (3), none holding token text
        Assert.DoesNotContain(columns, value => value.Contains(AccessToken) || value.Contains(RefreshToken));
        Assert.DoesNotContain(columns, value => value.Contains("AccessTokenPlaintext") || value.Contains("RefreshTokenPlaintext"));
        var stored = (await _database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.Equal(AccessToken, protector.Unprotect(stored.EncryptedAccessToken));
        Assert.Equal(RefreshToken, protector.Unprotect(stored.EncryptedRefreshToken!));
    }

    [Fact]
    public void Protector_uses_its_own_purpose_so_other_protectors_cannot_read_tokens()
    {
        var provider = new EphemeralDataProtectionProvider();
        var ciphertext = new DataProtectionTokenProtector(provider).Protect("secret");

        Assert.Equal("secret", provider.CreateProtector(DataProtectionTokenProtector.Purpose).Unprotect(ciphertext));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(
            () => provider.CreateProtector("SomethingElse").Unprotect(ciphertext));
    }
}
