namespace OAuth2Capture.Tests.Storage;

/// <summary>An entity of the app itself.</summary>
internal sealed class AppNote
{
    public int Id { get; set; }

    public string Text { get; set; } = string.Empty;
}
