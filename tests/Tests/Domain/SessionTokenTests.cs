using ApiSecurity.Grains.Security;

namespace ApiSecurity.Tests.Domain;

public sealed class SessionTokenTests
{
    [Fact]
    public void CreatedToken_RoundTrips_AndCarriesAtLeast128BitsOfSecret()
    {
        var token = SessionToken.Create(42);
        Assert.True(SessionToken.TryParse(token.ToString(), out var parsed));
        Assert.Equal(42, parsed.MemberId);
        Assert.Equal(token.Secret, parsed.Secret);
        Assert.True(Secrets.SecretBytes * 8 >= 128);
        Assert.Equal(Secrets.EncodedSecretLength, token.Secret.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("42")]
    [InlineData("42.")]
    [InlineData(".abc")]
    [InlineData("0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("-1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("42.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("42.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("42.ÄAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("99999999999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Garbage_IsNotAToken(string text) => Assert.False(SessionToken.TryParse(text, out _));

    [Fact]
    public void Hash_IsSha256_AndComparisonIsByValue()
    {
        var a = Secrets.Hash("secret");
        Assert.Equal(32, a.Length);
        Assert.True(Secrets.HashesEqual(a, Secrets.Hash("secret")));
        Assert.False(Secrets.HashesEqual(a, Secrets.Hash("secreT")));
    }
}
