using System.Text.RegularExpressions;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.BuiltIn;

namespace OAuth2Capture.Tests.Docs;

/// <summary>
/// docs/provider-specific-reauth.md against the code and against its own rules: what each built-in descriptor encodes
/// (PKCE, client authentication, endpoints, authorization parameters, default scopes) is what the provider's section
/// says, and every provider fact cites a source, whose first citation says when it was checked.
/// </summary>
public sealed partial class ProviderFactsDocsTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(DocsTests.Root, "docs", "provider-specific-reauth.md"));

    public static TheoryData<string> BuiltInNames() => [.. BuiltInProviders.Names.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(BuiltInNames))]
    public void Each_built_in_providers_section_states_what_its_descriptor_encodes(string name)
    {
        Assert.True(BuiltInProviders.TryGet(name, out var descriptor));
        var section = Section(name);
        var problems = new List<string>();
        void Expect(bool holds, string fact)
        {
            if (!holds)
            {
                problems.Add(fact);
            }
        }

        var pkce = Sentences(section).Where(s => s.Contains("PKCE", StringComparison.Ordinal)).ToList();
        var onOff = descriptor.UsePkce ? OnWord() : OffWord();
        Expect(pkce.Any(s => onOff.IsMatch(s)), $"PKCE is {(descriptor.UsePkce ? "on" : "off")} in the descriptor; no PKCE sentence says so");
        Expect(descriptor.ClientAuthentication switch
        {
            ClientAuthenticationMethod.BasicHeader => section.Contains("Basic", StringComparison.Ordinal),
            _ => !Regex.IsMatch(section, @"Basic (header|client authentication)") || name == "github",
        }, $"client authentication is {descriptor.ClientAuthentication}");
        if (descriptor.Revocation != RevocationMethod.None && descriptor.RevocationEndpoint is { } revocation)
        {
            Expect(section.Contains(revocation, StringComparison.Ordinal), $"revocation endpoint {revocation}");
        }
        else
        {
            Expect(section.Contains("only forgets the tokens", StringComparison.Ordinal), "no revocation: disconnecting only forgets the tokens");
        }

        if (descriptor.UserInformationEndpoint is { } userInfo)
        {
            var withoutQuery = userInfo.Split('?')[0];
            Expect(section.Contains(withoutQuery, StringComparison.Ordinal), $"user-info endpoint {withoutQuery}");
        }

        foreach (var (key, value) in descriptor.AuthorizationParameters)
        {
            Expect(section.Contains($"{key}={value}", StringComparison.Ordinal), $"authorization parameter {key}={value}");
        }

        foreach (var scope in descriptor.DefaultScopes)
        {
            Expect(section.Contains(scope, StringComparison.Ordinal), $"default scope {scope}");
        }

        Expect(descriptor.ScopeSeparator != "," || section.Contains("comma-separated scopes", StringComparison.Ordinal), "comma-separated scopes");
        Expect(!descriptor.RequiresUserAgent || section.Contains($"Providers:{name}:UserAgent", StringComparison.Ordinal), "the required UserAgent key");

        Assert.True(problems.Count == 0, $"docs/provider-specific-reauth.md, section `{name}`, does not state what the code encodes: {string.Join("; ", problems)}");
    }

    [Fact]
    public void Every_provider_fact_cites_a_source_or_says_unconfirmed_and_each_source_says_when_it_was_checked()
    {
        var problems = new List<string>();
        foreach (var name in BuiltInProviders.Names)
        {
            foreach (var bullet in Bullets(Section(name)))
            {
                var about = Regex.Match(bullet, @"^- \*\*(?<topic>[^*]+)\*\*").Groups["topic"].Value;
                if (about.StartsWith("What OAuth2Capture does", StringComparison.Ordinal))
                {
                    continue; // the library's behaviour, checked by its tests, not a provider fact
                }

                if (!Citation().IsMatch(bullet) && !bullet.Contains("**unconfirmed**", StringComparison.OrdinalIgnoreCase)
                    && !bullet.Contains("**Unconfirmed**", StringComparison.Ordinal))
                {
                    problems.Add($"`{name}`, \"{about}\": no source and not marked unconfirmed");
                }
            }
        }

        foreach (var source in Regex.Matches(Page, @"^\[(?<id>[A-Z]+[0-9]+)\]: (?<url>\S+)$", RegexOptions.Multiline).Select(m => m.Groups["id"].Value))
        {
            var first = Regex.Match(Page, $@"\[{source}\](?!:)");
            if (!first.Success)
            {
                problems.Add($"[{source}] is listed but never cited");
                continue;
            }

            // The date belongs to the citation: "([Name][X1], checked 2026-11)", or one date for a group "([X1], [X2], checked …)".
            var close = Page.IndexOf(')', first.Index);
            var citation = Page[first.Index..(close < 0 ? Page.Length : close)];
            if (!Regex.IsMatch(citation, @"checked\s+\d{4}-\d{2}"))
            {
                var around = Regex.Replace(Enclosing(first.Index), @"\s+", " ").Trim();
                problems.Add($"[{source}]'s first citation does not say when it was checked (\"checked YYYY-MM\" inside its parentheses): {around[..Math.Min(around.Length, 140)]}…");
            }
        }

        Assert.True(problems.Count == 0, "docs/provider-specific-reauth.md: " + string.Join("\n", problems));
    }

    private static string Section(string name)
    {
        var start = Page.IndexOf($": `{name}`\n", StringComparison.Ordinal);
        Assert.True(start > 0, $"docs/provider-specific-reauth.md has no section for `{name}`");
        var end = Page.IndexOf("\n## ", start, StringComparison.Ordinal);
        return Page[start..(end < 0 ? Page.Length : end)];
    }

    private static IEnumerable<string> Sentences(string text)
        => Regex.Split(Regex.Replace(text, @"\s+", " "), @"(?<=\.)\s+(?=[A-Z(*`-])");

    /// <summary>The section's bullets, each with its continuation lines.</summary>
    private static IEnumerable<string> Bullets(string section)
        => Regex.Split(section, @"\n(?=- )").Where(b => b.StartsWith("- ", StringComparison.Ordinal)).Select(b => Regex.Replace(b, @"\s+", " "));

    /// <summary>The table row, bullet or paragraph around a position of the page.</summary>
    private static string Enclosing(int index)
    {
        var lineStart = Page.LastIndexOf('\n', index) + 1;
        if (Page[lineStart] == '|')
        {
            return Page[lineStart..Page.IndexOf('\n', index)];
        }

        var start = Math.Max(Page.LastIndexOf("\n- ", index, StringComparison.Ordinal), Page.LastIndexOf("\n\n", index, StringComparison.Ordinal));
        var end = new[] { Page.IndexOf("\n- ", index, StringComparison.Ordinal), Page.IndexOf("\n\n", index, StringComparison.Ordinal), Page.Length }
            .Where(i => i >= 0).Min();
        return Page[Math.Max(start, 0)..end];
    }

    [GeneratedRegex(@"\[[A-Z]+[0-9]+\]")]
    private static partial Regex Citation();

    [GeneratedRegex(@"\b(it is on|is on|on)\b")]
    private static partial Regex OnWord();

    [GeneratedRegex(@"\boff\b")]
    private static partial Regex OffWord();
}
