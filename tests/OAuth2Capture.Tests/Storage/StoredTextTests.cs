using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

public sealed class StoredTextTests
{
    [Theory]
    [InlineData(null, 5, null)]
    [InlineData("", 5, "")]
    [InlineData("abcde", 5, "abcde")]
    [InlineData("abcdef", 5, "abcd…")]
    [InlineData("abc\U0001F600def", 5, "abc…")] // the emoji's surrogate pair is never split
    [InlineData("ab\U0001F600def", 5, "ab\U0001F600…")]
    [InlineData("abce\u0301fg", 5, "abc…")] // 'e' and its combining accent go together
    public void Truncate_fits_the_column_on_a_whole_text_element_with_an_ellipsis(string? value, int maxLength, string? expected)
    {
        var stored = StoredText.Truncate(value, maxLength);

        Assert.Equal(expected, stored);
        Assert.True(stored is null || stored.Length <= maxLength);
    }
}
