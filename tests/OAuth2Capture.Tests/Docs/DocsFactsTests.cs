using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Http;

namespace OAuth2Capture.Tests.Docs;

/// <summary>
/// Keeps the facts the docs state true, beyond names (<see cref="DocsTests"/>): log event ids with their names and levels,
/// error codes and their HTTP statuses, the values of the enums the docs list, configuration keys with their defaults,
/// and that every snippet the docs show is run by a test. Each failure names the file, the line and what differs.
/// </summary>
public sealed partial class DocsFactsTests
{
    /// <summary>One <c>[LoggerMessage]</c> of the library or the DevProvider; <see cref="Level"/> is null when the caller passes it.</summary>
    internal sealed record LogEvent(int Id, string Name, LogLevel? Level, string Declaration);

    /// <summary>Every <c>[LoggerMessage]</c> of the library and the DevProvider, by event id (the attribute is kept on the partial declarations).</summary>
    internal static readonly IReadOnlyDictionary<int, LogEvent> LogEvents = CollectLogEvents();

    /// <summary>The value of every <see cref="OAuth2CaptureErrorCodes"/> constant.</summary>
    private static readonly HashSet<string> ErrorCodes = typeof(OAuth2CaptureErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>OAuth 2.0's own error codes (RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1), which the docs quote from providers' answers.</summary>
    private static readonly HashSet<string> ProtocolErrorCodes = new(StringComparer.Ordinal)
    {
        "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope",
        "access_denied", "unsupported_response_type", "server_error", "temporarily_unavailable", "invalid_token", "insufficient_scope",
    };

    /// <summary>
    /// For each snippet of docs/examples and tests/OAuth2Capture.Tests/Docs, the tests that run its code (not only compile it).
    /// <see cref="Every_snippet_the_docs_show_is_run_by_a_named_test"/> checks this is complete and names real tests.
    /// </summary>
    private static readonly Dictionary<string, string[]> SnippetRunBy = new(StringComparer.Ordinal)
    {
        // ExamplesAppHarness builds every ExamplesTests app with these three.
        ["getting-started-services"] = [nameof(ExamplesTests.GettingStarted_settings_page_links_to_connect_and_the_link_connects_and_comes_back)],
        ["getting-started-pipeline"] = [nameof(ExamplesTests.GettingStarted_settings_page_links_to_connect_and_the_link_connects_and_comes_back)],
        ["getting-started-connect-link"] = [nameof(ExamplesTests.GettingStarted_settings_page_links_to_connect_and_the_link_connects_and_comes_back)],
        ["service-result"] =
        [
            nameof(ExamplesTests.ServiceResult_sends_an_unconnected_user_to_connect_then_back_and_uses_the_token),
            nameof(ExamplesTests.ServiceResult_after_expiry_refreshes_silently_and_after_revocation_sends_the_user_to_reauth),
            nameof(ExamplesTests.ServiceResult_when_the_provider_is_down_answers_503_and_never_sends_the_user_to_reconnect),
        ],
        ["pending-action-endpoint"] = [nameof(ExamplesTests.PendingAction_post_made_while_the_grant_is_dead_is_published_once_after_the_reconnect), nameof(ExamplesTests.PendingAction_post_with_a_live_token_is_published_at_once)],
        ["pending-action-events"] = [nameof(ExamplesTests.PendingAction_post_made_while_the_grant_is_dead_is_published_once_after_the_reconnect)],
        ["expiring-soon"] = [nameof(ExamplesTests.ExpiringSoon_dashboard_warns_about_a_refresh_token_ending_within_the_window_with_a_reconnect_link)],
        ["bulk-operation"] = [nameof(ExamplesTests.BulkOperation_reports_each_provider_and_one_dead_connection_does_not_block_the_others)],
        ["api-client"] = [nameof(ExamplesTests.ApiClient_calls_the_provider_api_with_the_users_token), nameof(ExamplesTests.ApiClient_from_a_background_job_names_the_user_on_the_request)],
        ["api-client-registration"] = [nameof(ExamplesTests.ApiClient_calls_the_provider_api_with_the_users_token)],
        ["api-client-answer"] = [nameof(ExamplesTests.ApiClient_answers_403_problem_with_code_and_reauthUrl_when_the_grant_is_dead), nameof(ExamplesTests.ApiClient_answers_403_not_connected_for_a_user_who_never_connected)],
        ["exception-escapes"] =
        [
            nameof(ExamplesTests.ExceptionEscapes_sends_an_unconnected_browser_to_connect_and_back_where_the_api_call_succeeds),
            nameof(ExamplesTests.ExceptionEscapes_answers_an_api_caller_403_Revoked_with_reauthUrl_and_an_outage_503),
        ],
        ["require-attribute"] = [nameof(ExamplesTests.RequireOAuthToken_attribute_runs_the_action_with_the_token_and_sends_a_dead_connection_to_reauth)],
        ["require-endpoint-filter"] = [nameof(ExamplesTests.RequireOAuthToken_endpoint_filter_answers_api_callers_403_problem_with_reauthUrl)],
        ["status-banner"] = [nameof(ExamplesTests.StatusBanner_lists_the_connection_that_needs_reauth_with_message_and_reconnect_url)],
        ["disconnect-service"] = [nameof(ExamplesTests.AccountDeletion_disconnects_every_connection_of_the_user_and_revokes_each_at_the_provider)],
        ["shared-key-ring"] = [nameof(TestingGuideExampleTests.SharedKeyRing_lets_a_second_instance_decrypt_tokens_the_first_stored)],
        ["testing-clock"] = [nameof(TestingGuideExampleTests.Revoked_connection_sends_the_user_to_reconnect_and_back_to_the_page)],
        ["testing-xunit"] = [nameof(TestingGuideExampleTests.Revoked_connection_sends_the_user_to_reconnect_and_back_to_the_page)],
        ["background-refresh-enable"] =
        [
            nameof(BackgroundRefreshExampleTests.BackgroundRefreshEnable_turns_on_the_sweep_the_youtube_keep_alive_the_notifier_and_the_health_check),
            nameof(EmailNotifierExampleTests.EmailNotifier_example_queues_a_reconnect_mail_with_the_public_link_when_a_connection_dies),
        ],
        ["getting-started-usings"] = [nameof(GettingStartedUsingsTests.GettingStarted_using_lines_import_every_type_the_page_uses)],
        ["getting-started-sign-in"] = [nameof(ExamplesTests.GettingStarted_settings_page_links_to_connect_and_the_link_connects_and_comes_back)],
        ["email-notifier"] = [nameof(EmailNotifierExampleTests.EmailNotifier_example_queues_a_reconnect_mail_with_the_public_link_when_a_connection_dies)],
    };

    /// <summary>Snippets shown in the docs that no test runs yet; each is a known gap, to be moved into <see cref="SnippetRunBy"/> with its test.</summary>
    private static readonly HashSet<string> SnippetsNotYetRun = new(StringComparer.Ordinal);

    private static readonly string[] Enums = ["ReauthReason", "TokenStatus", "OAuthConnectionState", "ConnectionHealth"];

    private static string Root => DocsTests.Root;

    public static TheoryData<string> MarkdownFiles() => DocsTests.MarkdownFiles();

    // ---- 1. Log events ----

    [Fact]
    public void Log_events_doc_lists_every_event_id_of_the_code_once()
    {
        const string file = "docs/log-events.md";
        var rows = LogEventRows(file).ToList();
        var errors = new List<string>();
        foreach (var duplicate in rows.GroupBy(r => r.Id).Where(g => g.Count() > 1))
        {
            errors.Add($"event {duplicate.Key} has {duplicate.Count()} rows (lines {string.Join(", ", duplicate.Select(r => r.Line))})");
        }

        var documented = rows.Select(r => r.Id).ToHashSet();
        errors.AddRange(LogEvents.Values.Where(e => !documented.Contains(e.Id)).Select(e => $"event {e.Id} `{e.Name}` ({LevelText(e.Level)}, {e.Declaration}) has no row"));
        foreach (var row in rows)
        {
            if (LogEvents.TryGetValue(row.Id, out var logged) && logged.Level is null && !row.Level.StartsWith("by argument", StringComparison.Ordinal))
            {
                errors.Add($"line {row.Line}: event {row.Id} takes its level as an argument; the level cell must start with 'by argument' and say what decides it, found '{row.Level}'");
            }
        }

        Assert.True(rows.Count > 0, $"{file} has no table of event ids");
        Assert.True(errors.Count == 0, $"{file}:\n" + string.Join('\n', errors));
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Log_event_table_rows_match_the_codes_id_name_and_level(string file)
    {
        var errors = new List<string>();
        foreach (var row in LogEventRows(file))
        {
            if (!LogEvents.TryGetValue(row.Id, out var logged))
            {
                errors.Add($"line {row.Line}: event {row.Id} `{row.Name}`: no [LoggerMessage] has EventId {row.Id}");
                continue;
            }

            if (row.Name != logged.Name)
            {
                errors.Add($"line {row.Line}: event {row.Id}: the doc says `{row.Name}`, the code's EventName is `{logged.Name}` ({logged.Declaration})");
            }

            if (CheckLevel(row.Level, logged) is { } levelError)
            {
                errors.Add($"line {row.Line}: event {row.Id} `{logged.Name}`: {levelError}");
            }
        }

        Assert.True(errors.Count == 0, $"{file}:\n" + string.Join('\n', errors));
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Log_event_ids_named_in_prose_exist_and_match_the_names_beside_them(string file)
    {
        var text = Prose(File.ReadAllText(Path.Combine(Root, file)));
        var errors = new List<string>();
        foreach (Match mention in EventMention().Matches(text))
        {
            foreach (Match item in EventIdOrRange().Matches(mention.Groups["list"].Value))
            {
                var first = int.Parse(item.Groups["from"].Value, CultureInfo.InvariantCulture);
                var last = item.Groups["to"].Success ? int.Parse(item.Groups["to"].Value, CultureInfo.InvariantCulture) : first;
                var missing = Enumerable.Range(first, Math.Max(last - first + 1, 1)).Where(id => !LogEvents.ContainsKey(id)).ToList();
                if (missing.Count > 0 || last < first)
                {
                    errors.Add($"line {LineOf(text, mention.Index)}: '{mention.Value.Trim()}' names event {item.Value}, but no [LoggerMessage] has EventId {string.Join(", ", missing)}");
                }
            }
        }

        foreach (Match range in RangeThenNames().Matches(text))
        {
            // "Log events 2001–2007 (`Refreshing`, `Refreshed`, …)": the names, in order, of the ids of the range.
            var first = int.Parse(range.Groups["from"].Value, CultureInfo.InvariantCulture);
            var names = BacktickedNames(range.Groups["names"].Value).ToList();
            var expected = Enumerable.Range(first, int.Parse(range.Groups["to"].Value, CultureInfo.InvariantCulture) - first + 1)
                .Select(id => LogEvents.TryGetValue(id, out var e) ? e.Name : $"(no event {id})").ToList();
            if (!names.SequenceEqual(expected))
            {
                errors.Add($"line {LineOf(text, range.Index)}: events {range.Groups["from"].Value}–{range.Groups["to"].Value} are {string.Join(", ", expected)}; the doc names {string.Join(", ", names)}");
            }
        }

        foreach (var regex in new[] { IdThenEventName(), EventNameThenId() })
        {
            foreach (Match pair in regex.Matches(text))
            {
                var id = int.Parse(pair.Groups["id"].Value, CultureInfo.InvariantCulture);
                var name = pair.Groups["name"].Value;
                var named = LogEvents.Values.FirstOrDefault(e => e.Name == name);
                if (named is not null && named.Id != id)
                {
                    errors.Add($"line {LineOf(text, pair.Index)}: '{pair.Value}': `{name}` is event {named.Id}, not {id}");
                }
            }
        }

        Assert.True(errors.Count == 0, $"{file}:\n" + string.Join('\n', errors));
    }

    // ---- 2 and 5. Error codes and their statuses ----

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Error_codes_in_the_docs_are_the_librarys_with_the_status_it_answers(string file)
    {
        var text = Prose(File.ReadAllText(Path.Combine(Root, file)));
        var statuses = ErrorCodeStatuses();
        var errors = new List<string>();
        foreach (Match problem in ProblemType().Matches(text))
        {
            var code = problem.Groups["code"].Value;
            if (code != "{code}" && !ErrorCodes.Contains(code))
            {
                errors.Add($"line {LineOf(text, problem.Index)}: `urn:oauth2capture:problem:{code}`: '{code}' is not a constant of OAuth2CaptureErrorCodes ({string.Join(", ", ErrorCodes.Order(StringComparer.Ordinal))})");
            }
        }

        foreach (var regex in new[] { StatusThenCode(), CodeThenStatus() })
        {
            foreach (Match pair in regex.Matches(text))
            {
                var code = pair.Groups["code"].Value;
                var status = int.Parse(pair.Groups["status"].Value, CultureInfo.InvariantCulture);
                var line = LineOf(text, pair.Index);
                if (!ErrorCodes.Contains(code))
                {
                    if (!ProtocolErrorCodes.Contains(code))
                    {
                        errors.Add($"line {line}: '{pair.Value}': `{code}` is neither one of OAuth2CaptureErrorCodes nor an OAuth 2.0 error code");
                    }

                    continue; // a provider's answer, quoted
                }

                if (!statuses.TryGetValue(code, out var answered))
                {
                    errors.Add($"line {line}: '{pair.Value}': no answer with `{code}` found in src/OAuth2Capture (new OAuth2CaptureError(StatusCodes.StatusNNN…, OAuth2CaptureErrorCodes.…))");
                }
                else if (!answered.Contains(status))
                {
                    errors.Add($"line {line}: '{pair.Value}': the doc says {status}, the library answers `{code}` with {string.Join(" or ", answered.Order())}");
                }
            }
        }

        Assert.True(errors.Count == 0, $"{file}:\n" + string.Join('\n', errors));
    }

    // ---- 3. Enum values ----

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Enum_value_lists_in_the_docs_name_every_value_and_no_other(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, file));
        var text = Prose(string.Join('\n', lines));
        var errors = new List<string>();
        foreach (var name in Enums)
        {
            var values = EnumType(name).GetEnumNames().ToHashSet(StringComparer.Ordinal);

            // "`ReauthReason` values: `A`, `B` (what B means), … and `C`." up to the end of the sentence.
            foreach (Match list in Regex.Matches(text, $@"`{name}` values(?: are)?:\s*(?<list>.+?)(?:\.(?=\s|$)|\n\n|$)", RegexOptions.Singleline))
            {
                Compare(LineOf(text, list.Index), $"the list after '`{name}` values:'", BacktickedNames(WithoutParentheses(list.Groups["list"].Value)));
            }

            // "`ConnectionHealth` (`Active`, `ReauthRequired`)".
            foreach (Match list in Regex.Matches(text, $@"`{name}` \((?<list>`[A-Za-z]+`(?:(?:,\s*|,?\s+and\s+|,?\s+or\s+)`[A-Za-z]+`)*)\)"))
            {
                Compare(LineOf(text, list.Index), $"'{list.Value}'", BacktickedNames(list.Groups["list"].Value));
            }

            // A table whose first header cell is the enum's name lists its values in the first column.
            for (var i = 0; i + 1 < lines.Length; i++)
            {
                if (!Regex.IsMatch(lines[i], $@"^\|\s*`{name}`\s*\|") || !IsSeparator(lines[i + 1]))
                {
                    continue;
                }

                var column = new List<string>();
                for (var j = i + 2; j < lines.Length && lines[j].StartsWith('|'); j++)
                {
                    column.AddRange(BacktickedNames(Cells(lines[j])[0]));
                }

                Compare(i + 1, $"the first column of the table headed `{name}`", column);
            }

            void Compare(int line, string where, IEnumerable<string> found)
            {
                var listed = found.ToList();
                var missing = values.Where(v => !listed.Contains(v)).ToList();
                var extra = listed.Where(v => !values.Contains(v)).Distinct().ToList();
                if (missing.Count > 0 || extra.Count > 0)
                {
                    errors.Add($"line {line}: {where}: {name} has {string.Join(", ", values)}; missing from the doc: [{string.Join(", ", missing)}], not in the enum: [{string.Join(", ", extra)}]");
                }
            }
        }

        Assert.True(errors.Count == 0, $"{file}:\n" + string.Join('\n', errors));
    }

    // ---- 4. Configuration keys and defaults ----

    [Theory]
    [InlineData("docs/configuration.md")]
    [InlineData("docs/background-refresh.md")]
    public void Configuration_tables_name_real_keys_with_the_defaults_of_new_options(string file)
    {
        var errors = new List<string>();
        var rows = ConfigurationRows(file).ToList();
        foreach (var row in rows)
        {
            if (row.Key is null)
            {
                errors.Add($"line {row.Line}: '{row.KeyCell}': a relative key outside a section named '(section `OAuth2Capture:…`)'");
                continue;
            }

            var resolved = ResolveConfigurationKey(row.Key);
            if (resolved.Error is not null)
            {
                errors.Add($"line {row.Line}: `{row.Key}`: {resolved.Error}");
                continue;
            }

            if (row.Default is null || !resolved.HasDefault || !TryParseDefault(row.Default, resolved.Property!.PropertyType, out var expected))
            {
                continue; // no default column, a dictionary entry, or a default in prose ("the provider's default scopes")
            }

            var actual = resolved.Default;
            var matches = expected is null
                ? actual is null || (actual is ICollection { Count: 0 })
                : actual is null ? IsNullable(resolved.Property!) // the doc states what the library applies in place of null
                : Equals(expected, actual);
            if (!matches)
            {
                errors.Add($"line {row.Line}: `{row.Key}`: the doc's default is '{row.Default}', a new {resolved.Property!.DeclaringType!.Name} has {Describe(actual)}");
            }
        }

        Assert.True(rows.Count > 0, $"{file} has no table with a 'key' column");
        Assert.True(errors.Count == 0, $"{file}:\n" + string.Join('\n', errors));
    }

    [Fact]
    public void Every_option_is_documented_in_the_configuration_docs()
    {
        string[] files = ["docs/configuration.md", "docs/background-refresh.md"];
        var keys = files.SelectMany(ConfigurationRows).Select(r => r.Key).OfType<string>().ToList();
        var named = files.SelectMany(f => DocsTests.InlineCode().Matches(File.ReadAllText(Path.Combine(Root, f))).Select(m => m.Groups["code"].Value.Trim())).ToHashSet(StringComparer.Ordinal);
        var missing = new List<string>();
        Walk(typeof(OAuth2CaptureOptions), "OAuth2Capture");
        Assert.True(missing.Count == 0, "options no table of docs/configuration.md or docs/background-refresh.md gives a row, and neither names as `Type.Property`:\n" + string.Join('\n', missing));

        void Walk(Type type, string prefix)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var key = $"{prefix}:{property.Name}";
                var valueType = DictionaryValueType(property.PropertyType);
                if (IsOptionsClass(property.PropertyType))
                {
                    Walk(property.PropertyType, key);
                }
                else if (valueType is not null && IsOptionsClass(valueType))
                {
                    Walk(valueType, key + ":{name}");
                }
                else if ((property.CanWrite || typeof(IEnumerable).IsAssignableFrom(property.PropertyType))
                    && !keys.Any(k => k == key || k.StartsWith(key + ":", StringComparison.Ordinal))
                    && !named.Contains($"{type.Name}.{property.Name}"))
                {
                    missing.Add($"{key} ({type.Name}.{property.Name})");
                }
            }
        }
    }

    // ---- 6. Snippets run ----

    [Fact]
    public void Every_snippet_the_docs_show_is_run_by_a_named_test()
    {
        var snippets = DocsTests.Snippets().Keys.ToHashSet(StringComparer.Ordinal);
        var tests = typeof(DocsFactsTests).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(DocsFactsTests).Namespace)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any())
            .Select(m => m.Name)
            .ToHashSet(StringComparer.Ordinal);
        var errors = new List<string>();
        errors.AddRange(snippets.Where(s => !SnippetRunBy.ContainsKey(s) && !SnippetsNotYetRun.Contains(s)).Select(s => $"snippet '{s}' is run by no test listed in {nameof(SnippetRunBy)}"));
        errors.AddRange(SnippetRunBy.Keys.Concat(SnippetsNotYetRun).Where(s => !snippets.Contains(s)).Select(s => $"'{s}' is listed but no snippet has that name"));
        errors.AddRange(SnippetRunBy.Keys.Where(SnippetsNotYetRun.Contains).Select(s => $"'{s}' is in both {nameof(SnippetRunBy)} and {nameof(SnippetsNotYetRun)}"));
        errors.AddRange(SnippetRunBy.SelectMany(p => p.Value.Where(t => !tests.Contains(t)).Select(t => $"snippet '{p.Key}': no test {t} in tests/OAuth2Capture.Tests/Docs")));
        errors.AddRange(SnippetRunBy.Where(p => p.Value.Length == 0).Select(p => $"snippet '{p.Key}' lists no test"));
        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    // ---- shared ----

    /// <summary>Resolves an <c>OAuth2Capture:…</c> key to its option property and that property's value on new options.</summary>
    internal static ResolvedKey ResolveConfigurationKey(string key)
    {
        var type = typeof(OAuth2CaptureOptions);
        object? fresh = new OAuth2CaptureOptions();
        PropertyInfo? property = null;
        foreach (var segment in key.Split(':').Skip(1))
        {
            if (segment.Length == 0)
            {
                return new("empty segment", null, false, null);
            }

            if (DictionaryValueType(type) is { } valueType)
            {
                type = valueType;
                fresh = IsOptionsClass(valueType) ? Activator.CreateInstance(valueType) : null; // a new entry, as binding creates it
                property = null;
                continue;
            }

            var list = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IList<>));
            if (list is not null && (segment.All(char.IsDigit) || segment.StartsWith('{')))
            {
                type = list.GetGenericArguments()[0];
                fresh = null;
                property = null;
                continue;
            }

            property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return new($"{type.Name} has no property {segment}", null, false, null);
            }

            fresh = fresh is null ? null : property.GetValue(fresh);
            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }

        return new(null, property, property is not null, fresh);
    }

    internal sealed record ResolvedKey(string? Error, PropertyInfo? Property, bool HasDefault, object? Default);

    private sealed record EventRow(int Line, int Id, string Name, string Level);

    private sealed record ConfigurationRow(int Line, string KeyCell, string? Key, string? Default);

    private static Dictionary<int, LogEvent> CollectLogEvents()
    {
        var result = new Dictionary<int, LogEvent>();
        var assemblies = new[] { typeof(OAuth2CaptureOptions).Assembly, typeof(OAuth2Capture.PostgreSql.PostgreSqlStoreEngine).Assembly, typeof(OAuth2Capture.DevProvider.DevProviderServer).Assembly };
        foreach (var method in assemblies.SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)))
        {
            if (method.GetCustomAttribute<LoggerMessageAttribute>() is not { } attribute)
            {
                continue;
            }

            var byArgument = method.GetParameters().Any(p => p.ParameterType == typeof(LogLevel));
            var declaration = $"{method.DeclaringType!.FullName!.Replace('+', '.')}.{method.Name}";
            Assert.True(attribute.EventName is not null, $"{declaration}: [LoggerMessage] without an EventName");
            Assert.True(result.TryAdd(attribute.EventId, new(attribute.EventId, attribute.EventName!, byArgument ? null : attribute.Level, declaration)),
                $"EventId {attribute.EventId} is declared twice: {declaration} and {(result.TryGetValue(attribute.EventId, out var other) ? other.Declaration : "?")}");
        }

        Assert.True(result.Count > 0, "no [LoggerMessage] found by reflection");
        return result;
    }

    private static string LevelText(LogLevel? level) => level?.ToString() ?? "level by argument";

    /// <summary>A fixed level: the cell's first word. A level by argument: "by argument: …" or at least two level names.</summary>
    private static string? CheckLevel(string cell, LogEvent logged)
    {
        var levels = Regex.Matches(cell, @"\b(Trace|Debug|Information|Warning|Error|Critical)\b").Select(m => m.Value).Distinct().ToList();
        if (logged.Level is { } fixedLevel)
        {
            var first = Regex.Match(cell, @"^\w+").Value;
            return string.Equals(first, fixedLevel.ToString(), StringComparison.OrdinalIgnoreCase) ? null : $"the doc's level is '{cell}', the code logs it at {fixedLevel}";
        }

        return cell.StartsWith("by argument", StringComparison.Ordinal) || levels.Count >= 2
            ? null
            : $"the doc's level is '{cell}', but the code passes the level as an argument ({logged.Declaration}); say which levels and what decides";
    }

    /// <summary>Rows of the form <c>| 2008 | `WaitingForRefreshLease` … | Debug | …</c>, in any table.</summary>
    private static IEnumerable<EventRow> LogEventRows(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, file));
        for (var i = 0; i < lines.Length; i++)
        {
            var row = Regex.Match(lines[i], @"^\|\s*(?<id>\d{4})\s*\|\s*`(?<name>[A-Za-z0-9]+)`[^|]*\|\s*(?<level>[^|]*?)\s*\|");
            if (row.Success)
            {
                yield return new(i + 1, int.Parse(row.Groups["id"].Value, CultureInfo.InvariantCulture), row.Groups["name"].Value, row.Groups["level"].Value);
            }
        }
    }

    /// <summary>The rows of every table with a first column <c>key</c>; relative keys get the section named in the heading above.</summary>
    private static IEnumerable<ConfigurationRow> ConfigurationRows(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, file));
        string? section = null;
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (lines[i].StartsWith('#'))
            {
                section = Regex.Match(lines[i], @"section `(?<s>OAuth2Capture(:[A-Za-z]+)*)`") is { Success: true } m ? m.Groups["s"].Value : null;
                continue;
            }

            if (!lines[i].StartsWith('|') || !IsSeparator(lines[i + 1]))
            {
                continue;
            }

            var header = Cells(lines[i]);
            if (header[0] != "key")
            {
                continue;
            }

            var defaultColumn = Array.IndexOf(header, "default");
            for (i += 2; i < lines.Length && lines[i].StartsWith('|'); i++)
            {
                var cells = Cells(lines[i]);
                var keys = cells[0].Split(" / ").Select(k => k.Trim().Trim('`')).ToArray();
                var defaults = defaultColumn < 0 || defaultColumn >= cells.Length ? null : cells[defaultColumn].Split(" / ");
                for (var k = 0; k < keys.Length; k++)
                {
                    var key = keys[k].StartsWith("OAuth2Capture:", StringComparison.Ordinal) ? keys[k] : section is null ? null : $"{section}:{keys[k]}";
                    var value = defaults is null ? null : defaults.Length == keys.Length ? defaults[k].Trim() : cells[defaultColumn].Trim();
                    yield return new(i + 1, cells[0], key, value);
                }
            }

            i--; // the line after the table may be a heading
        }
    }

    /// <summary>
    /// A default written as a literal: <c>`00:05:00`</c>, "5 min", "7 days", <c>`true`</c>, <c>`3`</c>, an enum name, a
    /// backticked string; "none", "off" and "—" mean null (or an empty collection). False for a default in prose.
    /// </summary>
    private static bool TryParseDefault(string cell, Type propertyType, out object? value)
    {
        value = null;
        var text = Regex.Replace(cell.Trim(), @"\s*\([^()]*\)$", string.Empty); // "`1048576` (1 MiB)", "none (merged …)"
        if (text is "—" or "-" or "none" or "off")
        {
            return true;
        }

        var backticked = Regex.Match(text, "^`(?<v>[^`]+)`$");
        var literal = backticked.Success ? backticked.Groups["v"].Value : text;
        var type = Nullable.GetUnderlyingType(propertyType) ?? propertyType;
        var invariant = CultureInfo.InvariantCulture;
        if (type == typeof(string))
        {
            value = literal;
            return backticked.Success;
        }

        if (type == typeof(bool) && bool.TryParse(literal, out var flag))
        {
            value = flag;
            return true;
        }

        if (type == typeof(int) && int.TryParse(literal, NumberStyles.None, invariant, out var integer))
        {
            value = integer;
            return true;
        }

        if (type == typeof(long) && long.TryParse(literal, NumberStyles.None, invariant, out var big))
        {
            value = big;
            return true;
        }

        if (type == typeof(double) && double.TryParse(literal, NumberStyles.Float, invariant, out var real))
        {
            value = real;
            return true;
        }

        if (type == typeof(TimeSpan))
        {
            if (backticked.Success && TimeSpan.TryParseExact(literal, "c", invariant, out var span))
            {
                value = span;
                return true;
            }

            var human = Regex.Match(literal, @"^(?<n>\d+(\.\d+)?)\s*(?<unit>ms|s|min|minutes?|h|hours?|days?)$");
            if (human.Success)
            {
                var n = double.Parse(human.Groups["n"].Value, invariant);
                value = human.Groups["unit"].Value switch
                {
                    "ms" => TimeSpan.FromMilliseconds(n),
                    "s" => TimeSpan.FromSeconds(n),
                    "min" or "minute" or "minutes" => TimeSpan.FromMinutes(n),
                    "h" or "hour" or "hours" => TimeSpan.FromHours(n),
                    _ => TimeSpan.FromDays(n),
                };
                return true;
            }

            return false;
        }

        if (type.IsEnum && backticked.Success && Enum.GetNames(type).Contains(literal))
        {
            value = Enum.Parse(type, literal);
            return true;
        }

        return false;
    }

    private static bool IsNullable(PropertyInfo property)
        => Nullable.GetUnderlyingType(property.PropertyType) is not null
            || new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable;

    private static string Describe(object? value) => value switch
    {
        null => "null",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    private static Type? DictionaryValueType(Type type)
        => type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))?.GetGenericArguments()[1];

    private static bool IsOptionsClass(Type type)
        => type.IsClass && type.Assembly == typeof(OAuth2CaptureOptions).Assembly && type.Name.EndsWith("Options", StringComparison.Ordinal);

    private static Type EnumType(string name)
        => typeof(OAuth2CaptureOptions).Assembly.GetExportedTypes().Single(t => t.IsEnum && t.Name == name);

    /// <summary>Where each library error code is answered, with which status, read from src/OAuth2Capture.</summary>
    private static Dictionary<string, HashSet<int>> ErrorCodeStatuses()
    {
        var constants = typeof(OAuth2CaptureErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!, StringComparer.Ordinal);
        var result = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var source in Directory.EnumerateFiles(Path.Combine(Root, "src", "OAuth2Capture"), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match answer in Regex.Matches(File.ReadAllText(source), @"\b(?:StatusCodes\.Status)?(?<status>[1-5]\d\d)[A-Za-z]*,\s*OAuth2CaptureErrorCodes\.(?<name>[A-Za-z]+)"))
            {
                if (constants.TryGetValue(answer.Groups["name"].Value, out var code))
                {
                    (result.TryGetValue(code, out var set) ? set : result[code] = []).Add(int.Parse(answer.Groups["status"].Value, CultureInfo.InvariantCulture));
                }
            }
        }

        Assert.True(result.Count > 0, "no OAuth2CaptureError construction found in src/OAuth2Capture");
        return result;
    }

    private static bool IsSeparator(string line) => Regex.IsMatch(line, @"^\|(\s*:?-{3,}:?\s*\|)+\s*$");

    private static string[] Cells(string line) => line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();

    private static IEnumerable<string> BacktickedNames(string text)
        => Regex.Matches(text, "`(?<n>[A-Z][A-Za-z0-9]*)`").Select(m => m.Groups["n"].Value);

    private static string WithoutParentheses(string text)
    {
        string previous;
        do
        {
            previous = text;
            text = Regex.Replace(text, @"\([^()]*\)", string.Empty);
        }
        while (text != previous);
        return text;
    }

    /// <summary>The markdown with fenced blocks blanked, keeping line numbers.</summary>
    private static string Prose(string markdown)
        => Regex.Replace(markdown.Replace("\r\n", "\n", StringComparison.Ordinal), @"(?ms)^(```|~~~).*?^\1[^\n]*$", m => new string('\n', m.Value.Count(c => c == '\n')));

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    /// <summary>"event 2005", "log events 2202 and 2203", "event ids 5001–5008 (background), 5101 (…), 2015 (…)", "logged 2101", "error log 1101".</summary>
    [GeneratedRegex(@"(?i)\b(?:log\s+events?|events?(?:\s+ids?)?|error\s+log|logged)\s+\**(?<list>\d{4}(?:\s*[–-]\s*\d{4})?(?:\**(?:\s*\([^()]*\))?(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)\**\d{4}(?:\s*[–-]\s*\d{4})?)*)\b")]
    private static partial Regex EventMention();

    [GeneratedRegex(@"\b(?<from>\d{4})\s*[–-]\s*(?<to>\d{4})\s+\((?<names>`[A-Z][A-Za-z0-9]+`(?:,\s*`[A-Z][A-Za-z0-9]+`)+)\)")]
    private static partial Regex RangeThenNames();

    [GeneratedRegex(@"(?<from>\d{4})(?:\s*[–-]\s*(?<to>\d{4}))?")]
    private static partial Regex EventIdOrRange();

    /// <summary>"event 5005, `BackgroundRefreshGaveUp`", "log event **2101** `StoredTokensUnreadable`".</summary>
    [GeneratedRegex(@"\b(?<id>\d{4})\**,?\s+`(?<name>[A-Z][A-Za-z0-9]+)`")]
    private static partial Regex IdThenEventName();

    /// <summary>"`RefreshedButNotStored` (2012, error)".</summary>
    [GeneratedRegex(@"`(?<name>[A-Z][A-Za-z0-9]+)`\s+\((?<id>\d{4})\b")]
    private static partial Regex EventNameThenId();

    [GeneratedRegex(@"urn:oauth2capture:problem:(?<code>\{code\}|[a-z_]+)")]
    private static partial Regex ProblemType();

    /// <summary>"503 `store_unavailable`", "403, `urn:oauth2capture:problem:not_connected`", "500 page (`reauth_loop`".</summary>
    [GeneratedRegex(@"\b(?<status>[1-5]\d\d)\b,?\s+(?:problem\s+|page\s+|answer\s+)?\(?`(?:urn:oauth2capture:problem:)?(?<code>[a-z]+(?:_[a-z]+)+)`")]
    private static partial Regex StatusThenCode();

    /// <summary>"`code_exchange_failed` (502", "`invalid_state` (tampered, replayed or cookie lost: 400".</summary>
    [GeneratedRegex(@"`(?<code>[a-z]+(?:_[a-z]+)+)` \((?:[^():`]*:\s*)?(?<status>[1-5]\d\d)\b")]
    private static partial Regex CodeThenStatus();
}
