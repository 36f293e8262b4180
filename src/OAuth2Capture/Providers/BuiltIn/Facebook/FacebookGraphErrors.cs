namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// What Meta's Graph API error codes mean, the one place for both the token endpoint (<see cref="FacebookFailureClassifier"/>)
/// and the API (<see cref="FacebookApiAnswerReader"/>). Checked 2026-12 against
/// <see href="https://developers.facebook.com/docs/graph-api/guides/error-handling">Meta: Graph API errors</see>.
/// </summary>
internal static class FacebookGraphErrors
{
    /// <summary>Code 190: the access token is invalid (its subcode may say why).</summary>
    public const int InvalidToken = 190;

    /// <summary>A permission is missing: code 10 ("permission denied") or 200 to 299 ("permission errors").</summary>
    public static bool IsMissingPermission(int code) => code is 10 or (>= 200 and <= 299);

    /// <summary>Throttling (4 app, 17 user, 32 page, 613 custom) and Graph's own trouble (1 unknown, 2 service): retry later.</summary>
    public static bool IsTransient(int code) => code is 1 or 2 or 4 or 17 or 32 or 613;

    /// <summary>
    /// Why a code-190 token died, by its subcode. 458 (app not installed) and 460 (password changed): the user took the
    /// access away. 463 ("expired"): it ran out. 459 (user checkpointed) and 464 (unconfirmed user): the user must deal with
    /// their account at facebook.com. 467 ("invalid access token") and anything else: Meta does not say why; its page
    /// describes 463 and 467 alike as "expired, been revoked, or is otherwise invalid".
    /// </summary>
    public static ReauthReason DeadTokenReason(string? subcode) => subcode switch
    {
        "458" or "460" => ReauthReason.Revoked,
        "463" => ReauthReason.RefreshTokenExpired,
        "459" or "464" => ReauthReason.AccountNeedsAttention,
        _ => ReauthReason.ProviderRejected,
    };
}
