using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Security;
using ApiSecurity.WebFront.Rcms;

namespace ApiSecurity.Tests.Domain;

/// <summary>
/// A snapshot finds a static token through its SHA-256 the first time it sees the text and by the text after
/// that; only texts that matched are remembered, so wrong tokens in bulk leave nothing behind.
/// </summary>
public sealed class StaticTokenLookupTests
{
    private static readonly string Right = Secrets.NewSecret();

    private static CompiledApi Api(params StaticTokenRecord[] tokens) => CompiledApi.Compile(new ApiSnapshot(
        "api", "api", true, SecurityMode.StaticToken, [], CorsSettings.Empty, [], tokens, 1, "scope", 0));

    private static StaticTokenRecord Token(string id, string value) => new(id, Secrets.Hash(value), "memo", long.MaxValue, null, 0);

    [Fact]
    public void RightToken_IsFound_TheFirstTimeAndAfter()
    {
        var api = Api(Token("a", Right), Token("b", Secrets.NewSecret()));

        var first = api.FindStaticToken(Right);
        var again = api.FindStaticToken(new string(Right.AsSpan())); // the same text in another string, as the next request brings it

        Assert.Equal("a", first?.Record.Id);
        Assert.Same(first, again);
        Assert.Equal(1, api.MatchedStaticTextCount);
    }

    [Fact]
    public void WrongTokens_InBulk_AreRefused_AndNotRemembered()
    {
        var api = Api(Token("a", Right));
        for (var i = 0; i < 100; i++)
        {
            Assert.Null(api.FindStaticToken(Secrets.NewSecret()));
        }

        Assert.Equal(0, api.MatchedStaticTextCount); // nothing made before a first match
        Assert.NotNull(api.FindStaticToken(Right));

        for (var i = 0; i < 10_000; i++)
        {
            Assert.Null(api.FindStaticToken(Secrets.NewSecret()));
        }

        // A right token with one character changed, or with space around it, is a different text: refused.
        Assert.Null(api.FindStaticToken(Right[..^1] + (Right[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(api.FindStaticToken(Right + " "));
        Assert.Equal(1, api.MatchedStaticTextCount);
    }

    [Fact]
    public void ANewSnapshot_WithoutTheToken_RefusesIt_AfterTheOldOneMatchedIt()
    {
        // Given a snapshot that has matched (and so remembers) the token
        var before = Api(Token("a", Right));
        Assert.NotNull(before.FindStaticToken(Right));

        // When the token is revoked, the front gets a new snapshot: it refuses the token at once
        var after = Api(Token("b", Secrets.NewSecret()));
        Assert.Null(after.FindStaticToken(Right));
    }
}
