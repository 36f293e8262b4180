using System.Globalization;

namespace OAuth2Capture.DevProvider.Internal;

/// <summary>Every user name is a user: <c>alice</c> is "Alice Example", alice@example.test.</summary>
internal static class DevUserDirectory
{
    public static DevUser Describe(string userName)
    {
        var display = userName.Length == 0
            ? "Example"
            : string.Concat(char.ToUpper(userName[0], CultureInfo.InvariantCulture).ToString(), userName.AsSpan(1), " Example");
        return new DevUser(userName, display, userName + "@example.test");
    }
}

/// <summary>A dev user: subject, display name and e-mail address.</summary>
internal sealed record DevUser(string Subject, string Name, string Email);
