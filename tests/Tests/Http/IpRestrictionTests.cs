using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>IP restriction over real loopback connections, on a web front started as shipped (no trusted proxy).</summary>
[Collection(WebFrontCollection.Name)]
public sealed class IpRestrictionTests(WebFrontFixture fixture)
{
    private Admin Admin => fixture.Admin;

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task DeniedClient_Gets403_BeforeAnythingElse()
    {
        var apiId = await Admin.CreateFullApiAsync("static_token");
        await Admin.SetSecurityAsync(apiId, "static_token", "192.0.2.0/24");

        foreach (var path in new[] { "content/doc", "no/such/path", "login" })
        {
            var (status, body, _) = await GetAsync(Client, $"/rcms-api/{apiId}/{path}");
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal("ip_not_allowed", Code(body));
        }
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.0/8")]
    [InlineData("127.0.0.1-127.0.0.9")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("# office\n2001:db8::/32\n127.0.0.1 # this machine")]
    public async Task AllowedClient_PassesTheCheck(string entry)
    {
        var apiId = await Admin.CreateFullApiAsync("none");
        await Admin.SetSecurityAsync(apiId, "none", entry);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc")).Status);
    }

    [Fact]
    public async Task InvalidEntry_Answers400_NamingIt_AndStoresNothing()
    {
        var apiId = await Admin.CreateFullApiAsync("none");
        await Admin.SetSecurityAsync(apiId, "none", "127.0.0.1");

        using var response = await Admin.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}/security",
            new { mode = "none", ip_restriction = new[] { "10.0.0.0/8", "10.1.2.3/40" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("10.1.2.3/40", await response.Content.ReadAsStringAsync());
        var api = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{apiId}");
        Assert.Equal("127.0.0.1", api["security"]!["ip_restriction"]![0]!.GetValue<string>());
    }

    // The shipped default trusts no proxy, loopback included: this client connects from 127.0.0.1.
    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.5")]
    [InlineData("X-Real-IP", "203.0.113.5")]
    [InlineData("Forwarded", "for=203.0.113.5")]
    public async Task SpoofedHeaders_AreIgnored_ByTheShippedDefault_EvenFromLoopback(string header, string value)
    {
        var apiId = await Admin.CreateFullApiAsync("none");
        await Admin.SetSecurityAsync(apiId, "none", "203.0.113.5");
        var (status, _, _) = await SendAsync(Client, HttpMethod.Get, $"/rcms-api/{apiId}/content/doc",
            headers: h => h.TryAddWithoutValidation(header, value));
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }
}
