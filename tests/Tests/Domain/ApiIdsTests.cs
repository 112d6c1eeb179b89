using ApiSecurity.Grains.Apis;
using ApiSecurity.WebFront.Rcms.Pipeline;

namespace ApiSecurity.Tests.Domain;

public sealed class ApiIdsTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("shop-v2_EU")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")] // 64
    public void Accepts_letters_digits_dash_and_underscore_up_to_64(string id)
    {
        Assert.True(ApiIds.IsValid(id));
        Assert.True(ApiIds.IsValid(id.AsSpan()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")] // 65
    [InlineData("shop\n")]
    [InlineData("shop.v2")]
    [InlineData("shop v2")]
    [InlineData("caf\u00e9")]
    [InlineData("\uff21pi")] // a full-width letter
    [InlineData("..")]
    [InlineData("a/b")]
    public void Refuses_anything_else(string id)
    {
        Assert.False(ApiIds.IsValid(id));
        Assert.False(ApiIds.IsValid(id.AsSpan()));
    }

    [Fact]
    public void A_null_id_is_not_valid() => Assert.False(ApiIds.IsValid((string?)null));

    [Theory]
    [InlineData("/shop/content", "shop", "content")]
    [InlineData("/shop/content/", "shop", "content")]
    [InlineData("//shop//a/b//", "shop", "a/b")]
    [InlineData("/shop", "shop", "")]
    [InlineData("/shop/", "shop", "")]
    public void Splits_a_request_path_into_api_and_endpoint(string path, string api, string endpoint)
    {
        Assert.True(ResolveApiStep.TrySplit(path, out var apiId, out var endpointPath));
        Assert.Equal(api, apiId.ToString());
        Assert.Equal(endpoint, endpointPath.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/sh%6Fp/content")]
    [InlineData("/caf\u00e9/content")]
    public void A_path_without_a_valid_api_id_does_not_split(string path) =>
        Assert.False(ResolveApiStep.TrySplit(path, out _, out _));
}
