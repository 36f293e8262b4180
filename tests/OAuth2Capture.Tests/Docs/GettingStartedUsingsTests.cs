using System.Text.RegularExpressions;
using MyApp;

namespace OAuth2Capture.Tests.Docs;

/// <summary>The using lines docs/getting-started.md shows: enough to compile (the example file proves it), and each one's comment true.</summary>
public sealed class GettingStartedUsingsTests
{
    [Fact]
    public void GettingStarted_using_lines_import_every_type_the_page_uses()
    {
        var lines = File.ReadAllLines(Path.Combine(DocsTests.Root, "docs", "examples", "OAuth2Capture.Examples", "GettingStartedUsings.cs"))
            .Select(line => Regex.Match(line, @"^using (?<ns>[\w.]+);\s*//\s*(?<comment>.*)$"))
            .Where(match => match.Success)
            .ToDictionary(match => match.Groups["ns"].Value, match => match.Groups["comment"].Value);
        var problems = new List<string>();
        foreach (var type in GettingStartedTypes.All)
        {
            if (!lines.TryGetValue(type.Namespace!, out var comment))
            {
                problems.Add($"{type.Name} lives in {type.Namespace}, which no using line imports");
            }
            else if (!comment.Contains(type.Name.Replace("Attribute", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal)
                && !(type.Name.EndsWith("Exception", StringComparison.Ordinal) && comment.Contains("the exceptions", StringComparison.Ordinal))
                && !(type.Name.EndsWith("Options", StringComparison.Ordinal) && comment.Contains("the options", StringComparison.Ordinal)))
            {
                problems.Add($"the comment of 'using {type.Namespace};' does not name {type.Name}");
            }
        }

        Assert.True(problems.Count == 0, "docs/examples/OAuth2Capture.Examples/GettingStartedUsings.cs: " + string.Join("; ", problems));
    }
}
