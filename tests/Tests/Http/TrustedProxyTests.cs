using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// The <c>ForwardedHeaders:KnownProxies</c> setting: a web front that trusts a proxy at 127.0.0.2 (and
/// nothing else). This is the only place tests configure a trusted proxy.
/// </summary>
public sealed class TrustedProxyTests : IAsyncLifetime
{
    private const string ProxyAddress = "127.0.0.2";

    private WebFrontHost _host = null!;
    private Admin _admin = null!;
    private HttpClient _proxy = null!;
    private HttpClient _direct = null!;

    public async Task InitializeAsync()
    {
        _host = await WebFrontHost.StartAsync(settings: new Dictionary<string, string> { ["ForwardedHeaders:KnownProxies"] = ProxyAddress });
        _admin = new Admin(_host.CreateClient(admin: true));
        _proxy = LoopbackClient.From(_host.BaseAddress, ProxyAddress);
        _direct = LoopbackClient.From(_host.BaseAddress, "127.0.0.1");
    }

    public async Task DisposeAsync()
    {
        _proxy.Dispose();
        _direct.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task ForwardedFor_FromTheTrustedProxy_IsReadFromTheRight()
    {
        var apiId = await _admin.CreateFullApiAsync("none");
        await _admin.SetSecurityAsync(apiId, "none", "203.0.113.5");

        var allowed = await SendAsync(_proxy, HttpMethod.Get, $"/rcms-api/{apiId}/content/doc",
            headers: h => h.TryAddWithoutValidation("X-Forwarded-For", "198.51.100.1, 203.0.113.5"));
        var spoofed = await SendAsync(_proxy, HttpMethod.Get, $"/rcms-api/{apiId}/content/doc",
            headers: h => h.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.5, 198.51.100.1"));

        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Equal(HttpStatusCode.Forbidden, spoofed.Status);
    }

    [Fact]
    public async Task ForwardedFor_FromAnotherLoopbackAddress_IsIgnored()
    {
        var apiId = await _admin.CreateFullApiAsync("none");
        await _admin.SetSecurityAsync(apiId, "none", "10.0.0.0/8");

        var (status, _, _) = await SendAsync(_direct, HttpMethod.Get, $"/rcms-api/{apiId}/content/doc",
            headers: h => h.TryAddWithoutValidation("X-Forwarded-For", "10.9.9.9"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task ForwardedProtoHttps_FromTheTrustedProxy_IssuesSecureHostPrefixedCookies()
    {
        var apiId = await _admin.CreateFullApiAsync("cookie");
        var (_, email, password) = await _admin.RegisterMemberAsync();

        var login = await SendAsync(_proxy, HttpMethod.Post, $"/rcms-api/{apiId}/login", new { email, password, login_save = 1 }, headers: Https);

        Assert.Equal(HttpStatusCode.OK, login.Status);
        var setCookies = login.Response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Equal(2, setCookies.Count);
        Assert.All(setCookies, c =>
        {
            Assert.StartsWith("__Host-rcms_api_", c);
            Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase);
        });
        var cookie = CookieHeader(setCookies);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(_proxy, HttpMethod.Get, $"/rcms-api/{apiId}/profile", cookie: cookie, headers: Https)).Status);
    }

    [Fact]
    public async Task OverHttps_AnUnprefixedSessionCookie_IsIgnored()
    {
        var apiId = await _admin.CreateFullApiAsync("cookie");
        var (_, email, password) = await _admin.RegisterMemberAsync();
        var login = await SendAsync(_proxy, HttpMethod.Post, $"/rcms-api/{apiId}/login", new { email, password }, headers: Https);
        var value = CookieHeader(login.Response.Headers.GetValues("Set-Cookie")).Split('=', 2)[1];

        // A sibling subdomain or a plain-HTTP page can set "rcms_api_access_token", never "__Host-…".
        var planted = await SendAsync(_proxy, HttpMethod.Get, $"/rcms-api/{apiId}/profile", cookie: $"rcms_api_access_token={value}", headers: Https);
        var genuine = await SendAsync(_proxy, HttpMethod.Get, $"/rcms-api/{apiId}/profile", cookie: $"__Host-rcms_api_access_token={value}", headers: Https);

        Assert.Equal(HttpStatusCode.Unauthorized, planted.Status);
        Assert.Equal(HttpStatusCode.OK, genuine.Status);
    }

    [Fact]
    public async Task CrossSiteRule_ComparesWithTheHttpsOrigin_TheProxyReports()
    {
        var apiId = await _admin.CreateFullApiAsync("cookie");
        var (_, email, password) = await _admin.RegisterMemberAsync();
        var host = _host.BaseAddress.Authority;

        var sameOrigin = await SendAsync(_proxy, HttpMethod.Post, $"/rcms-api/{apiId}/login", new { email, password }, headers: h =>
        {
            Https(h);
            h.TryAddWithoutValidation("Origin", $"https://{host}");
        });
        var httpOrigin = await SendAsync(_proxy, HttpMethod.Post, $"/rcms-api/{apiId}/login", new { email, password }, headers: h =>
        {
            Https(h);
            h.TryAddWithoutValidation("Origin", $"http://{host}");
        });

        Assert.Equal(HttpStatusCode.OK, sameOrigin.Status);
        Assert.Equal(HttpStatusCode.Forbidden, httpOrigin.Status);
    }

    private static void Https(System.Net.Http.Headers.HttpRequestHeaders headers) => headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
}
