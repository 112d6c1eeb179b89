using System.Text.Json;
using ApiSecurity.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ApiSecurity.Tests.Browser;

/// <summary>
/// Kuroco's documented front-end calls, replayed in a real Chromium with the real <c>ofetch</c> (what Nuxt's
/// <c>$fetch</c> is): the front-end page on https://front.test and the API on https://api.test, two sites,
/// both served by a real TLS-terminating nginx in front of a web front configured, as a user behind such a
/// proxy would configure it, with <c>ForwardedHeaders:KnownProxies=127.0.0.1</c>. The page's code
/// (Browser/kuroco/kuroco-front.mjs) is the same for every run; only the API's settings differ.
/// </summary>
public sealed class KurocoFrontEndBrowserTests : IAsyncLifetime
{
    private const string SessionCookie = "__Host-rcms_api_access_token";
    private const string AutoLoginCookie = "__Host-rcms_api_refresh_token";

    private WebFrontHost _host = null!;
    private NginxTlsProxy _proxy = null!;
    private IPlaywright _playwright = null!;
    private Admin _admin = null!;
    private readonly List<string> _profiles = [];

    public async Task InitializeAsync()
    {
        _host = await WebFrontHost.StartAsync(settings: new Dictionary<string, string> { ["ForwardedHeaders:KnownProxies"] = "127.0.0.1" });
        _proxy = await NginxTlsProxy.StartAsync(_host.BaseAddress, Path.Combine(AppContext.BaseDirectory, "Browser", "kuroco"));
        _playwright = await Playwright.CreateAsync();
        _admin = new Admin(_host.CreateClient(admin: true));
    }

    public async Task DisposeAsync()
    {
        _playwright.Dispose();
        await _proxy.DisposeAsync();
        await _host.DisposeAsync();
        foreach (var profile in _profiles)
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task CookieMode_WithSameSiteNone_WorksFromAnotherSite_InABrowserThatAllowsThirdPartyCookies()
    {
        // Given a cookie-mode API whose login sets SameSite=None, listing the front-end's origin with credentials
        var apiId = await CreateKurocoApiAsync("cookie", loginSettings: new { cookie_samesite = "None" });
        var member = await _admin.RegisterMemberAsync(groups: ["1"]);
        var profile = Path.Combine(Path.GetTempPath(), "apisecurity-chromium", Guid.NewGuid().ToString("N"));
        _profiles.Add(profile);
        await using var context = await Chromium.LaunchAllowingThirdPartyCookiesAsync(_playwright, profile, _proxy.ChromiumArgs);

        // When the front-end runs its cookie-mode calls, without and with login_save; then it works end to end
        await RunCookieFlowAsync(context, apiId, member, loginSave: 0, partitioned: false);
        await RunCookieFlowAsync(context, apiId, member, loginSave: 1, partitioned: false);
    }

    [Fact]
    public async Task CookieMode_WithPartitionedCookies_WorksFromAnotherSite_InChromiumsDefaults()
    {
        // Given a cookie-mode API whose login sets SameSite=None; Partitioned (CHIPS), which Chromium keeps
        // even though its defaults refuse unpartitioned third-party cookies
        var apiId = await CreateKurocoApiAsync("cookie", loginSettings: new { cookie_samesite = "None", cookie_partitioned = true });
        var member = await _admin.RegisterMemberAsync(groups: ["1"]);
        await using var browser = await Chromium.LaunchAsync(_playwright, _proxy.ChromiumArgs);
        await using var context = await browser.NewContextAsync();

        await RunCookieFlowAsync(context, apiId, member, loginSave: 0, partitioned: true);
        await RunCookieFlowAsync(context, apiId, member, loginSave: 1, partitioned: true);
    }

    [Fact]
    public async Task DynamicTokenMode_LoginTokenRefreshAndTheSdksRetryOn401_WorkFromAnotherSite()
    {
        // Given a dynamic-token API whose access tokens live one second (the shortest lifespan)
        var apiId = await CreateKurocoApiAsync("dynamic_token", tokenSettings: new { access_token_lifespan = 1 });
        var (memberId, email, password) = await _admin.RegisterMemberAsync(groups: ["1"]);
        await using var browser = await Chromium.LaunchAsync(_playwright, _proxy.ChromiumArgs);
        await using var context = await browser.NewContextAsync();
        var page = await OpenFrontEndAsync(context);
        await page.EvaluateAsync("api => { window.sdk = window.kuroco.tokenClient(api); }", ApiBase(apiId));

        // When it logs in: login → grant_token → token
        var login = await page.EvaluateAsync<JsonElement>("([email, password]) => window.sdk.login(email, password)", new[] { email, password });
        Assert.Equal(200, login.GetProperty("login").GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(login.GetProperty("login").GetProperty("body").GetProperty("grant_token").GetString()));
        Assert.Equal(200, login.GetProperty("token").GetProperty("status").GetInt32());

        // Then the access token opens the profile and a members-only document
        var profile = await page.EvaluateAsync<JsonElement>("() => window.sdk.request('/profile')");
        Assert.Equal(200, profile.GetProperty("status").GetInt32());
        Assert.Equal(memberId, profile.GetProperty("body").GetProperty("member_id").GetInt64());
        Assert.Equal("1", profile.GetProperty("body").GetProperty("group_ids")[0].GetString());
        Assert.Equal(200, (await page.EvaluateAsync<JsonElement>("() => window.sdk.request('/members-only')")).GetProperty("status").GetInt32());

        // When the access token expires, {grant_token: "", refresh_token} gives a new one
        await WaitUntilAccessTokenExpiredAsync(page);
        var refreshed = await page.EvaluateAsync<JsonElement>("() => window.sdk.refresh()");
        Assert.Equal(200, refreshed.GetProperty("status").GetInt32());
        Assert.Equal(200, (await page.EvaluateAsync<JsonElement>("() => window.sdk.plain('/profile')")).GetProperty("status").GetInt32());

        // When it expires again, the SDK's wrapper sees 401, refreshes once and retries once
        await WaitUntilAccessTokenExpiredAsync(page);
        var retried = await page.EvaluateAsync<JsonElement>("() => window.sdk.request('/profile')");
        Assert.Equal(200, retried.GetProperty("status").GetInt32());
        var log = await page.EvaluateAsync<string[]>("() => window.sdk.state.log.slice(-3)");
        Assert.Equal(["GET /profile 401", "POST /token 200", "GET /profile 200"], log);

        // When it logs out, neither the old access token nor the old refresh token works any more
        var tokens = await page.EvaluateAsync<string[]>("() => [window.sdk.state.access, window.sdk.state.refresh]");
        Assert.Equal(200, (await page.EvaluateAsync<JsonElement>("() => window.sdk.logout()")).GetProperty("status").GetInt32());
        var after = await page.EvaluateAsync<int[]>("""
            async ([api, access, refresh]) => {
              const old = window.kuroco.tokenClient(api);
              old.state.access = access;
              old.state.refresh = refresh;
              return [(await old.plain("/profile")).status, (await old.refresh()).status];
            }
            """, new[] { ApiBase(apiId), tokens[0], tokens[1] });
        Assert.Equal([401, 401], after);
    }

    /// <summary>
    /// The member-site sample's calls: a public endpoint without login, login with credentials: "include",
    /// profile, a members-only document, logout that swallows errors, profile refused after, and the old
    /// cookies refused when put back into the browser.
    /// </summary>
    private async Task RunCookieFlowAsync(IBrowserContext context, string apiId, (long Id, string Email, string Password) member, int loginSave, bool partitioned)
    {
        var page = await OpenFrontEndAsync(context);
        var api = ApiBase(apiId);
        Task<JsonElement> Call(string step) => page.EvaluateAsync<JsonElement>($"api => window.kuroco.cookieClient(api).{step}", api);

        var news = await Call("publicNews()");
        Assert.Equal(200, news.GetProperty("status").GetInt32());
        Assert.Equal("Hello", news.GetProperty("body").GetProperty("list")[0].GetProperty("subject").GetString());

        // The 401 reaches the page as a status with Kuroco's error body (CORS headers on the error), not as a network error.
        var anonymous = await Call("profile()");
        Assert.Equal(401, anonymous.GetProperty("status").GetInt32());
        Assert.Equal("unauthorized", anonymous.GetProperty("body").GetProperty("errors")[0].GetProperty("code").GetString());

        var login = await page.EvaluateAsync<JsonElement>("([api, email, password, save]) => window.kuroco.cookieClient(api).login(email, password, Number(save))",
            new[] { api, member.Email, member.Password, loginSave.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(200, login.GetProperty("status").GetInt32());
        Assert.Equal(member.Id, login.GetProperty("body").GetProperty("member_id").GetInt64());

        // Behind the trusted proxy the request counts as HTTPS: Secure, __Host- names, SameSite=None.
        var cookies = (await context.CookiesAsync([_proxy.ApiOrigin])).ToList();
        var session = Assert.Single(cookies, c => c.Name == SessionCookie);
        Assert.True(session.Secure);
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.None, session.SameSite);
        Assert.Equal(partitioned, !string.IsNullOrEmpty(session.PartitionKey));
        Assert.Equal(loginSave == 1, cookies.Any(c => c.Name == AutoLoginCookie));

        var profile = await Call("profile()");
        Assert.Equal(200, profile.GetProperty("status").GetInt32());
        Assert.Equal(member.Id, profile.GetProperty("body").GetProperty("member_id").GetInt64());
        Assert.Equal("1", profile.GetProperty("body").GetProperty("group_ids")[0].GetString());
        Assert.Equal(200, (await Call("membersOnly()")).GetProperty("status").GetInt32());

        Assert.Equal(200, (await Call("logout()")).GetProperty("status").GetInt32());
        Assert.Equal(401, (await Call("profile()")).GetProperty("status").GetInt32());
        Assert.Equal(401, (await Call("logout()")).GetProperty("status").GetInt32()); // swallowed by the page, as in the sample
        Assert.DoesNotContain(await context.CookiesAsync([_proxy.ApiOrigin]), c => c.Name is SessionCookie or AutoLoginCookie);

        // The old cookies, put back as an attacker who copied them would, are refused: the login ended on the server.
        await context.AddCookiesAsync(cookies.Select(c => new Microsoft.Playwright.Cookie
        {
            Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, Expires = c.Expires, HttpOnly = c.HttpOnly,
            Secure = c.Secure, SameSite = c.SameSite, PartitionKey = c.PartitionKey,
        }));
        Assert.Contains(await context.CookiesAsync([_proxy.ApiOrigin]), c => c.Name == SessionCookie && c.Value == session.Value);
        Assert.Equal(401, (await Call("profile()")).GetProperty("status").GetInt32());
        await context.ClearCookiesAsync();
        await page.CloseAsync();
    }

    private async Task<IPage> OpenFrontEndAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(_proxy.FrontOrigin + "/index.html");
        await page.WaitForFunctionAsync("() => window.kuroco?.ready === true");
        Assert.True(await page.EvaluateAsync<bool>("() => window.isSecureContext"));
        return page;
    }

    /// <summary>Asks the server (without the retry) until it refuses the page's access token; bounded, no fixed sleep.</summary>
    private static async Task WaitUntilAccessTokenExpiredAsync(IPage page)
    {
        var status = await page.EvaluateAsync<int>("""
            async () => {
              const deadline = Date.now() + 10000;
              let status = 200;
              while (status === 200 && Date.now() < deadline) {
                await new Promise(resolve => setTimeout(resolve, 100));
                status = (await window.sdk.plain("/profile")).status;
              }
              return status;
            }
            """);
        Assert.Equal(401, status);
    }

    private string ApiBase(string apiId) => $"{_proxy.ApiOrigin}/rcms-api/{apiId}";

    /// <summary>
    /// An API laid out as Kuroco's samples expect: login, token, logout, profile, a public <c>news</c> list
    /// and a members-only document; CORS for the front-end's origin with credentials; the mode last.
    /// </summary>
    private async Task<string> CreateKurocoApiAsync(string mode, object? loginSettings = null, object? tokenSettings = null)
    {
        var apiId = Admin.UniqueId("kuroco");
        await _admin.CreateApiAsync(apiId);
        await _admin.AddLoginAsync(apiId, loginSettings);
        await _admin.AddTokenAsync(apiId, tokenSettings);
        await _admin.AddEndpointAsync(apiId, "POST", "logout", "Authentication", "Login", "logout");
        await _admin.AddEndpointAsync(apiId, "GET", "profile", "Authentication", "Login", "profile");
        await _admin.AddEndpointAsync(apiId, "GET", "news", "Content", "Document", "get",
            new { auth = "public", document = new { list = new[] { new { topics_id = 1, subject = "Hello" } } } });
        await _admin.AddEndpointAsync(apiId, "GET", "members-only", "Content", "Document", "get",
            new { groups = new[] { "1" }, document = new { secret = "for members of group 1" } });
        await _admin.OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}/cors", new { allow_origins = new[] { _proxy.FrontOrigin }, allow_credentials = true });
        await _admin.RegisterMemberAsync();
        await _admin.SetSecurityAsync(apiId, mode);
        return apiId;
    }
}
