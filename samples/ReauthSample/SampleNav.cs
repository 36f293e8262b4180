namespace ReauthSample;

/// <summary>The header's links, one list for the Razor Pages layout and the Blazor layout.</summary>
public static class SampleNav
{
    public static IReadOnlyList<(string Href, string Label)> Links { get; } =
    [
        ("/", "Home"),
        ("/attribute", "Attribute"),
        ("/service-result", "Service result"),
        ("/compose", "Pending action"),
        ("/schedule", "Scheduled post"),
        ("/dashboard", "Dashboard"),
        ("/bulk", "Bulk post"),
        ("/api-client", "API client"),
        ("/blazor", "Blazor"),
    ];
}
