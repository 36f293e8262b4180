using NetArchTest.Rules;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Architecture;

/// <summary>
/// The library's layers point one way (docs/architecture.md): the HTTP surface uses the token services, which use the
/// providers, which use storage; the handler for the app's own API clients (<c>Api</c>) sits on the HTTP surface (it
/// resolves the signed-in user as it does); the notifications (<c>Reauth</c>) and background refresh sit on top as consumers. A type
/// that reaches up a layer fails here, named with what it reaches.
/// </summary>
public sealed class LayerTests
{
    private const string Root = "OAuth2Capture";

    /// <summary>
    /// Each layer, bottom first, and the layers above it, which it must never use. Diagnostics holds the meter and activity
    /// source every layer records into, and the health check, which reads storage; so it sits right above storage. The root
    /// namespace (options, defaults, the shared <see cref="ReauthReason"/>, the builder) is not a layer: every layer reads it.
    /// </summary>
    public static TheoryData<string, string[]> Layers => new()
    {
        { "Storage", ["Diagnostics", "Providers", "Tokens", "Reauth", "Http", "Api", "Background"] },
        { "Diagnostics", ["Providers", "Tokens", "Reauth", "Http", "Api", "Background"] },
        { "Providers", ["Tokens", "Reauth", "Http", "Api", "Background"] },
        { "Tokens", ["Reauth", "Http", "Api", "Background"] },
        { "Reauth", ["Http", "Api", "Background"] },
        { "Http", ["Api", "Background"] },
        { "Api", ["Background"] },
        { "Background", ["Http", "Api"] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_layer_never_uses_the_layers_above_it(string layer, string[] above)
    {
        var result = Types.InAssembly(typeof(ITokenValidityService).Assembly)
            .That().ResideInNamespace($"{Root}.{layer}")
            .ShouldNot().HaveDependencyOnAny([.. above.Select(name => $"{Root}.{name}")])
            .GetResult();

        Assert.True(result.IsSuccessful, string.Join(Environment.NewLine,
            (result.FailingTypes ?? []).Select(type => $"{type.FullName}: {type.Explanation}")));
    }
}
