using ApiSecurity.Grains.Security;

namespace ApiSecurity.Tests.Domain;

public sealed class SessionTokenTests
{
    private static readonly TokenKey KeyOne = TokenKey.Create(1, 0, 0);
    private static readonly TokenKey KeyTwo = TokenKey.Create(2, 0, 0);
    private static readonly TokenMac Mac = new([KeyOne], KeyOne.Id);

    [Fact]
    public void CreatedToken_RoundTrips_AndCarriesAtLeast128BitsOfSecret()
    {
        var token = Mac.Create(42);
        var text = token.ToString();

        Assert.True(Mac.TryRead(text, out var parsed));
        Assert.Equal(token, parsed);
        Assert.Equal(42, parsed.MemberId);
        Assert.True(Secrets.SecretBytes * 8 >= 128);
        Assert.Equal(Secrets.EncodedSecretLength, token.Secret.Length);
    }

    [Fact]
    public void TokenText_IsBase64UrlAndDots_AndNoLongerThanMaxLength()
    {
        var text = Mac.Create(999_999_999_999_999_999).ToString();

        Assert.Equal(SessionToken.MaxLength, text.Length);
        Assert.All(text, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.', $"'{c}' in {text}"));
    }

    [Fact]
    public void Token_WithAnyBitFlipped_IsRefused()
    {
        var original = Mac.Create(42);
        var text = original.ToString();
        var secretStart = text.IndexOf('.') + 1;

        for (var i = secretStart; i < text.Length; i++)
        {
            if (text[i] == '.')
            {
                continue;
            }

            var chars = text.ToCharArray();
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            var forged = new string(chars);
            if (SessionToken.TryParse(forged, out var parsed) && parsed == original)
            {
                // Base64url's last character carries unused low bits: that change decodes to the same token.
                continue;
            }

            Assert.False(Mac.TryRead(forged, out _), $"changed character {i}: {forged}");
        }
    }

    [Fact]
    public void A_token_has_one_spelling_only()
    {
        // A web front remembers a validation by the token's text: the same token spelled another way would be
        // a second entry (and a way to grow that memory), so other spellings are not tokens at all.
        var text = Mac.Create(42).ToString();
        Assert.True(Mac.TryRead(text, out _));

        // Leading zeros in the member id (the MAC is over "42", so it would still match)
        Assert.False(Mac.TryRead("0" + text, out _));
        Assert.False(Mac.TryRead("00" + text, out _));

        // The tag's last character carries 4 of the tag's bits and 2 unused ones: the same tag with an unused bit set
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var last = Alphabet.IndexOf(text[^1]);
        var unusedBitsSet = Enumerable.Range(1, 3).Select(unused => text[..^1] + Alphabet[last | unused]).Where(t => t != text).ToList();
        Assert.NotEmpty(unusedBitsSet);
        Assert.All(unusedBitsSet, t => Assert.False(Mac.TryRead(t, out _)));
    }

    [Fact]
    public void Token_ForAnotherMember_IsRefused()
    {
        var token = Mac.Create(42);

        Assert.False(Mac.IsAuthentic(token with { MemberId = 43 }));
    }

    [Fact]
    public void Token_SignedWithAKeyThisClusterDoesNotHold_IsRefused()
    {
        var foreign = new TokenMac([KeyTwo], KeyTwo.Id).Create(42);
        var sameIdOtherMaterial = new TokenMac([TokenKey.Create(1, 0, 0)], 1).Create(42);

        Assert.False(Mac.IsAuthentic(foreign));
        Assert.False(Mac.IsAuthentic(foreign with { KeyId = KeyOne.Id }));
        Assert.False(Mac.IsAuthentic(sameIdOtherMaterial));
    }

    [Fact]
    public void AfterRotation_TokensOfThePreviousKeyStillPass_AndNewOnesUseTheNewKey()
    {
        var old = Mac.Create(42);
        var rotated = new TokenMac([KeyOne, KeyTwo], KeyTwo.Id);

        var fresh = rotated.Create(42);

        Assert.True(rotated.IsAuthentic(old));
        Assert.Equal(KeyTwo.Id, fresh.KeyId);
        Assert.True(rotated.TryRead(fresh.ToString(), out _));
        Assert.False(Mac.IsAuthentic(fresh));
    }

    [Fact]
    public void KeySet_SignsWithTheNewestKeyWhoseTimeHasCome()
    {
        var set = new TokenKeySet([TokenKey.Create(1, 0, 0), TokenKey.Create(2, 100, 220)]);

        Assert.Equal(1, set.SigningKey(219).Id);
        Assert.Equal(2, set.SigningKey(220).Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("42")]
    [InlineData("42.")]
    [InlineData(".abc")]
    [InlineData("42.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("-1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("42.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("42.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("42.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("42.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=.AAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("42.ÄAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("42.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAA.")]
    [InlineData("9999999999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAA")]
    public void Garbage_IsNotAToken(string text) => Assert.False(SessionToken.TryParse(text, out _));

    [Fact]
    public void WellFormedToken_WithoutTheRightMac_IsParsedButNotAuthentic()
    {
        const string forged = "42.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AQAAAAAAAAAAAAAAAAAAAAA";

        Assert.True(SessionToken.TryParse(forged, out _));
        Assert.False(Mac.TryRead(forged, out _));
    }

    [Fact]
    public void Hash_IsSha256_AndComparisonIsByValue()
    {
        var a = Secrets.Hash("secret");
        Assert.Equal(32, a.Length);
        Assert.True(Secrets.HashesEqual(a, Secrets.Hash("secret")));
        Assert.False(Secrets.HashesEqual(a, Secrets.Hash("secreT")));
    }
}
