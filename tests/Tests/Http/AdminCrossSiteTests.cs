using System.Net.Http.Headers;
using ApiSecurity.Tests.Infrastructure;

namespace ApiSecurity.Tests.Http;

/// <summary>A web front started as a user starts it (no settings beyond the data folder and the admin token).</summary>
public sealed class PlainWebFront : IAsyncLifetime
{
    public WebFrontHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await WebFrontHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Another web site cannot drive the admin API through the administrator's browser: cached Basic
/// credentials are not accepted there, bodies a browser sends cross-site without a preflight are not read,
/// requests from another origin are refused, and the console's pages cannot be framed.
/// </summary>
public sealed class AdminCrossSiteTests(PlainWebFront front) : IClassFixture<PlainWebFront>
{
    private const string EvilOrigin = "https://evil.example";

    private WebFrontHost Host => front.Host;

    private string OwnOrigin => Host.BaseAddress.GetLeftPart(UriPartial.Authority);

    private static string MemberJson(string email) => JsonSerializer.Serialize(new { email, password = "correct-horse" });

    private static AuthenticationHeaderValue Basic(string password) =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("admin:" + password)));

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null, bool bearer = true, Action<HttpRequestHeaders>? headers = null)
    {
        using var client = Host.CreateClient(admin: bearer);
        using var request = new HttpRequestMessage(method, path) { Content = content };
        headers?.Invoke(request.Headers);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private async Task AssertMemberCanStillBeRegisteredAsync(string email)
    {
        using var register = await SendAsync(HttpMethod.Post, "/admin/members", new StringContent(MemberJson(email), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
    }

    [Fact]
    public async Task BasicCredentials_AreRefusedOnTheAdminApi_EvenWithTheRightToken()
    {
        using var list = await SendAsync(HttpMethod.Get, "/admin/apis", bearer: false, headers: h => h.Authorization = Basic(WebFrontHost.AdminTokenValue));
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal("Bearer", list.Headers.WwwAuthenticate.Single().Scheme);

        var email = Admin.UniqueEmail();
        using var register = await SendAsync(HttpMethod.Post, "/admin/members", new StringContent(MemberJson(email), System.Text.Encoding.UTF8, "application/json"),
            bearer: false, headers: h => h.Authorization = Basic(WebFrontHost.AdminTokenValue));
        Assert.Equal(HttpStatusCode.Unauthorized, register.StatusCode);
        await AssertMemberCanStillBeRegisteredAsync(email);
    }

    [Fact]
    public async Task BasicCredentials_OpenTheDashboard_WhichCannotBeFramed()
    {
        using var page = await SendAsync(HttpMethod.Get, "/dashboard/", bearer: false, headers: h => h.Authorization = Basic(WebFrontHost.AdminTokenValue));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Orleans Dashboard", await page.Content.ReadAsStringAsync());
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());

        // nosniff makes browsers refuse a script served under another type: the dashboard's are JavaScript.
        var html = await page.Content.ReadAsStringAsync();
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            using var file = await SendAsync(HttpMethod.Get, new Uri(new Uri(Host.BaseAddress, "/dashboard/"), script).PathAndQuery, bearer: false,
                headers: h => h.Authorization = Basic(WebFrontHost.AdminTokenValue));
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Contains("javascript", file.Content.Headers.ContentType!.MediaType);
        }
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData(null)]
    public async Task BodyThatIsNotDeclaredJson_IsRefusedWith415_AndRegistersNothing(string? contentType)
    {
        var email = Admin.UniqueEmail();
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(MemberJson(email)));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await SendAsync(HttpMethod.Post, "/admin/members", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        await AssertMemberCanStillBeRegisteredAsync(email);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON; charset=\"UTF-8\"")]
    [InlineData("application/merge-patch+json")]
    public async Task BodyDeclaredJson_IsAccepted(string contentType)
    {
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(MemberJson(Admin.UniqueEmail())));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await SendAsync(HttpMethod.Post, "/admin/members", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task RequestFromAnotherOrigin_IsRefusedWith403_AndChangesNothing()
    {
        var email = Admin.UniqueEmail();
        var apiId = Admin.UniqueId("api");

        using var register = await SendAsync(HttpMethod.Post, "/admin/members", JsonContent.Create(new { email, password = "correct-horse" }),
            headers: h => h.Add("Origin", EvilOrigin));
        using var createApi = await SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}", JsonContent.Create(new { name = "evil" }),
            headers: h => h.Add("Origin", EvilOrigin));
        using var list = await SendAsync(HttpMethod.Get, "/admin/apis", headers: h => h.Add("Origin", EvilOrigin));

        Assert.All([register, createApi, list], r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Equal("application/problem+json", register.Content.Headers.ContentType!.MediaType);
        await AssertMemberCanStillBeRegisteredAsync(email);
        using var api = await SendAsync(HttpMethod.Get, $"/admin/apis/{apiId}");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1")]
    [InlineData("http://localhost")]
    [InlineData("null")]
    public async Task OriginThatIsNotExactlyTheFrontsOwn_IsRefused(string origin)
    {
        // The same host on another port, another host name for it, and an opaque origin are all other origins.
        using var response = await SendAsync(HttpMethod.Get, "/admin/apis", headers: h => h.Add("Origin", origin));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public async Task FetchMetadataFromAnotherSite_IsRefused(string site)
    {
        var email = Admin.UniqueEmail();

        using var list = await SendAsync(HttpMethod.Get, "/admin/apis", headers: h => h.Add("Sec-Fetch-Site", site));
        using var register = await SendAsync(HttpMethod.Post, "/admin/members", JsonContent.Create(new { email, password = "correct-horse" }),
            headers: h => h.Add("Sec-Fetch-Site", site));

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, register.StatusCode);
        await AssertMemberCanStillBeRegisteredAsync(email);
    }

    [Fact]
    public async Task CrossSiteRequest_IsRefusedBeforeTheCredentialIsLookedAt()
    {
        using var response = await SendAsync(HttpMethod.Get, "/admin/apis", bearer: false, headers: h =>
        {
            h.Add("Origin", EvilOrigin);
            h.Authorization = new AuthenticationHeaderValue("Bearer", "a-guess");
        });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task SameOriginRequest_AsTheConsoleSendsIt_IsServed()
    {
        using var response = await SendAsync(HttpMethod.Post, "/admin/members", JsonContent.Create(new { email = Admin.UniqueEmail(), password = "correct-horse" }), headers: h =>
        {
            h.Add("Origin", OwnOrigin);
            h.Add("Sec-Fetch-Site", "same-origin");
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task RequestWithoutOriginOrFetchMetadata_AsCurlSendsIt_IsServed()
    {
        using var response = await SendAsync(HttpMethod.Get, "/admin/apis");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/admin/")]
    [InlineData("/admin/index.html")]
    [InlineData("/admin/app.js")]
    [InlineData("/admin/app.css")]
    public async Task ConsoleFiles_SendAContentSecurityPolicy_ThatForbidsFraming(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path, bearer: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("base-uri 'none'", policy);
        Assert.Contains("object-src 'none'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task AdminAnswers_AreNeverStored_SuccessOrRefusal()
    {
        using var ok = await SendAsync(HttpMethod.Get, "/admin/apis");
        using var unauthorized = await SendAsync(HttpMethod.Get, "/admin/apis", bearer: false);
        using var forbidden = await SendAsync(HttpMethod.Get, "/admin/apis", headers: h => h.Add("Origin", EvilOrigin));

        Assert.All([ok, unauthorized, forbidden], r => Assert.True(r.Headers.CacheControl?.NoStore, $"{(int)r.StatusCode} lacks no-store"));
    }
}
