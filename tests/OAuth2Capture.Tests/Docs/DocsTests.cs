using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace OAuth2Capture.Tests.Docs;

/// <summary>
/// Keeps README.md and docs/**/*.md honest: links resolve, every <c>csharp</c> block is included from compiled source,
/// every library type, member, configuration key and test named in backticks exists, and docs/reauth-flows.md keeps
/// the structure issue 5 asks for. The facts stated about them (event ids, error codes and statuses, enum values,
/// defaults, snippets being run) are checked by <see cref="DocsFactsTests"/>.
/// </summary>
public sealed partial class DocsTests
{
    internal static readonly string Root = FindRoot();

    private static readonly Assembly[] LibraryAssemblies =
    [
        typeof(OAuth2CaptureOptions).Assembly,
        typeof(OAuth2Capture.DevProvider.DevProviderServer).Assembly,
        typeof(OAuth2Capture.Examples.GettingStarted).Assembly,
    ];

    /// <summary>Names of the framework's and the providers' that look like ours (Facebook's error type is <c>OAuthException</c>).</summary>
    private static readonly HashSet<string> FrameworkNames = new(StringComparer.Ordinal)
    {
        "OAuthEvents", "OAuthOptions", "OAuthHandler", "OAuthCreatingTicketContext", "OAuthTokenResponse", "TokenResponse", "OAuthException",
    };

    /// <summary>The <c>EventName</c> of every <c>[LoggerMessage]</c> in the library and the DevProvider (operators alert on them).</summary>
    private static readonly HashSet<string> LogEventNames = DocsFactsTests.LogEvents.Values.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);

    public static TheoryData<string> MarkdownFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in AllMarkdown())
        {
            data.Add(Path.GetRelativePath(Root, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Markdown_relative_links_point_at_existing_files_and_headings(string file)
    {
        var path = Path.Combine(Root, file);
        var text = WithoutCode(File.ReadAllText(path));
        var errors = new List<string>();
        foreach (Match link in LinkPattern().Matches(text))
        {
            var target = link.Groups["target"].Value.Trim();
            if (target.Length == 0 || Regex.IsMatch(target, "^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase))
            {
                continue; // http:, https:, mailto:
            }

            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var filePart = hash < 0 ? target : target[..hash];
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var resolved = filePart.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(filePart)));
            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                errors.Add($"{target}: no such file");
                continue;
            }

            if (anchor is not null && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && !Anchors(File.ReadAllText(resolved)).Contains(anchor))
            {
                errors.Add($"{target}: no heading with anchor #{anchor}");
            }
        }

        Assert.True(errors.Count == 0, $"{file}: broken links:\n" + string.Join('\n', errors));
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Csharp_blocks_are_snippets_included_verbatim_from_compiled_source(string file)
    {
        var snippets = Snippets();
        var lines = File.ReadAllLines(Path.Combine(Root, file));
        var errors = new List<string>();
        string? pending = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var marker = SnippetMarker().Match(lines[i]);
            if (marker.Success)
            {
                pending = marker.Groups["name"].Value;
                continue;
            }

            var fence = Regex.Match(lines[i], @"^(?<fence>```+|~~~+)\s*(?<lang>\S*)");
            if (!fence.Success)
            {
                if (lines[i].Trim().Length > 0)
                {
                    pending = null;
                }

                continue;
            }

            var close = fence.Groups["fence"].Value;
            var start = i + 1;
            var end = start;
            while (end < lines.Length && !lines[end].TrimStart().StartsWith(close, StringComparison.Ordinal))
            {
                end++;
            }

            var body = string.Join('\n', lines[start..Math.Min(end, lines.Length)]);
            var language = fence.Groups["lang"].Value.ToLowerInvariant();
            if (language is "csharp" or "cs" or "c#")
            {
                if (pending is null)
                {
                    errors.Add($"line {i + 1}: a csharp block without '<!-- snippet: name -->' before it (put the code in docs/examples and include it)");
                }
                else if (!snippets.TryGetValue(pending, out var snippet))
                {
                    errors.Add($"line {i + 1}: no snippet named '{pending}' in docs/examples or tests/OAuth2Capture.Tests/Docs");
                }
                else if (snippet != body)
                {
                    errors.Add($"line {i + 1}: the block differs from snippet '{pending}'. Expected:\n{snippet}");
                }
            }
            else if (pending is not null)
            {
                errors.Add($"line {i + 1}: snippet '{pending}' is included in a '{language}' block; use csharp");
            }

            pending = null;
            i = end;
        }

        Assert.True(errors.Count == 0, $"{file}:\n" + string.Join('\n', errors));
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Backticked_library_types_members_and_configuration_keys_exist(string file)
    {
        var text = WithoutFencedBlocks(File.ReadAllText(Path.Combine(Root, file)));
        var errors = new List<string>();
        foreach (Match code in InlineCode().Matches(text))
        {
            var value = code.Groups["code"].Value.Trim();
            if (value.StartsWith("OAuth2Capture:", StringComparison.Ordinal))
            {
                if (CheckConfigurationKey(value) is { } keyError)
                {
                    errors.Add($"`{value}`: {keyError}");
                }

                continue;
            }

            var name = Regex.Replace(value, @"^\[|\]$|\(.*\)$|<[^<>]*>$|\?$", string.Empty);
            name = Regex.Replace(name, @"\(.*\)$", string.Empty);
            if (!Regex.IsMatch(name, @"^[A-Z][A-Za-z0-9]*(\.[A-Z][A-Za-z0-9]*)*$"))
            {
                continue;
            }

            var segments = name.Split('.');
            if (segments[0] == "OAuth2Capture")
            {
                continue; // a namespace, an assembly or a TempData key such as OAuth2Capture.Message
            }

            var type = FindType(segments[0]) ?? FindType(segments[0] + "Attribute");
            if (type is null)
            {
                if (LooksLikeOurs(segments[0]) && !(segments.Length == 1 && (IsMemberName(segments[0]) || LogEventNames.Contains(segments[0]))))
                {
                    errors.Add($"`{value}`: no public type {segments[0]} in the library, the DevProvider or the examples");
                }

                continue;
            }

            if (CheckMembers(type, segments.Skip(1)) is { } memberError)
            {
                errors.Add($"`{value}`: {memberError}");
            }
        }

        Assert.True(errors.Count == 0, $"{file}:\n" + string.Join('\n', errors));
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Tests_named_in_the_docs_exist(string file)
    {
        var text = File.ReadAllText(Path.Combine(Root, file));
        var tests = typeof(DocsTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes().Any(a => a is FactAttribute))
            .Select(m => m.Name)
            .ToHashSet(StringComparer.Ordinal);

        // The browser tests are another project (Playwright, not referenced here): their [Fact] methods, read from source.
        foreach (var source in Directory.EnumerateFiles(Path.Combine(Root, "tests", "OAuth2Capture.BrowserTests"), "*.cs"))
        {
            foreach (Match fact in Regex.Matches(File.ReadAllText(source), @"\[Fact[^\]]*\]\s*public async Task (?<name>\w+)\("))
            {
                tests.Add(fact.Groups["name"].Value);
            }
        }

        var missing = InlineCode().Matches(text)
            .Select(m => m.Groups["code"].Value)
            .Where(name => Regex.IsMatch(name, @"^[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+){3,}$"))
            .Where(name => !tests.Contains(name))
            .Distinct()
            .ToList();

        Assert.True(missing.Count == 0, $"{file} names tests that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void ReauthFlows_has_the_structure_of_issue_5()
    {
        var headings = File.ReadAllLines(Path.Combine(Root, "docs", "reauth-flows.md"))
            .Where(line => line.StartsWith("## ", StringComparison.Ordinal) || line.StartsWith("### ", StringComparison.Ordinal))
            .Select(line => line.TrimStart('#', ' '))
            .ToList();
        string[] sections = ["Overview", "Detection", "Implementation patterns", "User experience", "Provider-specific notes", "Testing", "Troubleshooting"];
        var found = headings.Where(h => sections.Contains(h)).ToList();
        Assert.Equal(sections, found);

        string[] subTopics =
        [
            "Attribute", "Service result", "Middleware and banner", "Contextual re-auth with a pending action",
            "Dashboard with expiring-soon warnings", "Bulk operations", "API clients",
            "Re-auth loops and clock skew", "Users not seeing messages", "Re-auth after every request",
            "Different behaviour across providers", "Rotation races between two environments sharing one app registration",
            "Works in dev, 7-day expiry in Google testing mode",
        ];
        var missing = subTopics.Where(topic => !headings.Contains(topic)).ToList();
        Assert.True(missing.Count == 0, "docs/reauth-flows.md lacks the sub-topics: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_snippet_in_the_examples_is_shown_somewhere_in_the_docs()
    {
        var included = AllMarkdown().SelectMany(file => SnippetMarker().Matches(File.ReadAllText(file)).Select(m => m.Groups["name"].Value)).ToHashSet();
        var unused = Snippets().Keys.Where(name => !included.Contains(name)).ToList();
        Assert.True(unused.Count == 0, "snippets no doc includes: " + string.Join(", ", unused));
    }

    private static string? CheckConfigurationKey(string key) => DocsFactsTests.ResolveConfigurationKey(key).Error;

    private static string? CheckMembers(Type type, IEnumerable<string> members)
    {
        var current = type;
        foreach (var member in members)
        {
            var nested = current.GetNestedType(member, BindingFlags.Public);
            if (nested is not null)
            {
                current = nested;
                continue;
            }

            var found = current.GetMember(member, BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.FlattenHierarchy);
            if (found.Length == 0 && current.IsInterface)
            {
                found = current.GetInterfaces().SelectMany(i => i.GetMember(member)).ToArray();
            }

            if (found.Length == 0)
            {
                found = ExtensionMethods(current, member);
            }

            if (found.Length == 0)
            {
                return $"{current.Name} has no public member {member}";
            }

            current = found[0] switch
            {
                PropertyInfo p => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType,
                FieldInfo f when !f.DeclaringType!.IsEnum => f.FieldType,
                _ => current,
            };
        }

        return null;
    }

    private static MemberInfo[] ExtensionMethods(Type type, string name)
        => LibraryAssemblies.SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsAbstract && t.IsSealed)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.Name == name && m.GetParameters() is [var first, ..] && (first.ParameterType.IsAssignableFrom(type) || first.ParameterType.IsGenericParameter))
            .ToArray<MemberInfo>();

    /// <summary>A bare member name such as <c>ReauthRequired</c> (an enum value) or <c>RefreshSkew</c>.</summary>
    private static bool IsMemberName(string name)
        => LibraryAssemblies.SelectMany(a => a.GetExportedTypes()).Any(t => t.GetMember(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Length > 0);

    private static Type? FindType(string name)
        => LibraryAssemblies.SelectMany(a => a.GetExportedTypes()).FirstOrDefault(t => t.Name == name || (t.IsGenericType && t.Name.StartsWith(name + "`", StringComparison.Ordinal)));

    private static bool LooksLikeOurs(string name)
        => !FrameworkNames.Contains(name)
            && Regex.IsMatch(name, "^(I?OAuth|I?Token[A-Z]|I?Reauth|OAuth2Capture|DevProvider|DevToken|RequireOAuth)");

    internal static Dictionary<string, string> Snippets()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = Directory.EnumerateFiles(Path.Combine(Root, "docs", "examples"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "tests", "OAuth2Capture.Tests", "Docs"), "*.cs"))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        foreach (var source in sources)
        {
            var lines = File.ReadAllLines(source);
            for (var i = 0; i < lines.Length; i++)
            {
                var open = Regex.Match(lines[i], @"^\s*// <snippet:(?<name>[a-z0-9-]+)>\s*$");
                if (!open.Success)
                {
                    continue;
                }

                var name = open.Groups["name"].Value;
                var end = Array.FindIndex(lines, i + 1, line => line.Trim() == $"// </snippet:{name}>");
                Assert.True(end > i, $"{source}: snippet '{name}' is not closed");
                var body = lines[(i + 1)..end];
                var indent = body.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
                Assert.True(result.TryAdd(name, string.Join('\n', body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()))), $"snippet '{name}' is defined twice");
            }
        }

        return result;
    }

    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in WithoutFencedBlocks(markdown).Split('\n'))
        {
            var heading = Regex.Match(line, @"^#{1,6}\s+(?<text>.+?)\s*#*\s*$");
            if (!heading.Success)
            {
                continue;
            }

            var text = Regex.Replace(heading.Groups["text"].Value, @"\[(?<t>[^\]]*)\]\([^)]*\)", "${t}").ToLowerInvariant();
            var slug = new StringBuilder();
            foreach (var c in text)
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_')
                {
                    slug.Append(c);
                }
                else if (c == ' ')
                {
                    slug.Append('-');
                }
            }

            var candidate = slug.ToString();
            for (var n = 1; !anchors.Add(candidate); n++)
            {
                candidate = $"{slug}-{n}";
            }
        }

        return anchors;
    }

    internal static string WithoutFencedBlocks(string markdown) => Regex.Replace(markdown, @"(?ms)^(```|~~~).*?^\1[^\n]*$", string.Empty);

    private static string WithoutCode(string markdown) => InlineCode().Replace(WithoutFencedBlocks(markdown), string.Empty);

    internal static IEnumerable<string> AllMarkdown()
        => Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Prepend(Path.Combine(Root, "README.md"))
            .Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OAuth2Capture.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OAuth2Capture.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"(?<!!)\[[^\]]*\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"^\s*<!--\s*snippet:\s*(?<name>[a-z0-9-]+)\s*-->\s*$", RegexOptions.Multiline)]
    internal static partial Regex SnippetMarker();

    [GeneratedRegex(@"(?<!`)`(?<code>[^`\n]+)`(?!`)")]
    internal static partial Regex InlineCode();
}
