using System.Globalization;

namespace OAuth2Capture.Storage;

/// <summary>Fits text another party chose (a provider's account name) into a bounded column without failing the write.</summary>
internal static class StoredText
{
    private const string Ellipsis = "…";

    /// <summary>
    /// Returns <paramref name="value"/> unchanged when it fits, else its longest prefix of whole text elements (so no
    /// surrogate pair or combining sequence is split) followed by an ellipsis, <paramref name="maxLength"/> UTF-16 units in all.
    /// </summary>
    /// <param name="value">The text, if any.</param>
    /// <param name="maxLength">The column's length, at least 2.</param>
    /// <returns>The text to store.</returns>
    public static string? Truncate(string? value, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        if (value is null || value.Length <= maxLength)
        {
            return value;
        }

        var budget = maxLength - Ellipsis.Length;
        var end = 0;
        while (end < value.Length)
        {
            var length = StringInfo.GetNextTextElementLength(value.AsSpan(end));
            if (end + length > budget)
            {
                break;
            }

            end += length;
        }

        return string.Concat(value.AsSpan(0, end), Ellipsis);
    }
}
