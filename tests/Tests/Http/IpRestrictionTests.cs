using System.Net.Sockets;
using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>SPEC §4 over real loopback connections. The fixture trusts 127.0.0.2 as a proxy.</summary>
[Collection(WebFrontCollection.Name)]
public sealed class IpRestrictionTests(WebFrontFixture fixture)
{
    private Admin Admin => fixture.Admin;

    private HttpClient Client => fixture.Client;

    /// <summary>A client whose connections come from <paramref name="localAddress"/> (any 127.0.0.0/8 address is loopback).</summary>
    private HttpClient ClientFrom(string localAddress)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = fixture.Host.BaseAddress };
    }

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

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.5")]
    [InlineData("X-Real-IP", "203.0.113.5")]
    [InlineData("Forwarded", "for=203.0.113.5")]
    public async Task SpoofedHeaders_FromAnUntrustedConnection_AreIgnored(string header, string value)
    {
        var apiId = await Admin.CreateFullApiAsync("none");
        await Admin.SetSecurityAsync(apiId, "none", "203.0.113.5");
        var (status, _, _) = await SendAsync(Client, HttpMethod.Get, $"/rcms-api/{apiId}/content/doc",
            headers: h => h.TryAddWithoutValidation(header, value));
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task ForwardedFor_FromATrustedProxy_IsReadFromTheRight()
    {
        var apiId = await Admin.CreateFullApiAsync("none");
        await Admin.SetSecurityAsync(apiId, "none", "203.0.113.5");
        using var proxy = ClientFrom("127.0.0.2");

        var allowed = await SendAsync(proxy, HttpMethod.Get, $"/rcms-api/{apiId}/content/doc",
            headers: h => h.TryAddWithoutValidation("X-Forwarded-For", "198.51.100.1, 203.0.113.5"));
        var spoofed = await SendAsync(proxy, HttpMethod.Get, $"/rcms-api/{apiId}/content/doc",
            headers: h => h.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.5, 198.51.100.1"));

        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Equal(HttpStatusCode.Forbidden, spoofed.Status);
    }
}
