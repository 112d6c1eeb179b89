using ApiSecurity.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Browser;

/// <summary>
/// Login CSRF against a cookie-mode API in a real Chromium, on a web front started as shipped: a page on
/// an origin the API does not list posts the classic forged login form (and a forged logout); the API
/// refuses both, while the front-end on a listed origin logs in and out as usual.
/// </summary>
public sealed class CrossSiteCookieBrowserTests : IAsyncLifetime
{
    private WebFrontHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private readonly List<WebApplication> _pages = [];

    public async Task InitializeAsync()
    {
        _host = await WebFrontHost.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        foreach (var page in _pages)
        {
            await page.DisposeAsync();
        }

        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task AForgedLoginAndLogout_FromAForeignPage_AreRefused_WhileTheListedFrontEndWorks()
    {
        // The API at 127.0.0.1:{port}; two pages on other ports: the API's front-end (listed in CORS) and an
        // attacker's page. Plain HTTP on loopback, so the cookie is SameSite=Lax (None needs HTTPS).
        var apiBase = $"http://127.0.0.1:{_host.BaseAddress.Port}";
        var frontOrigin = await ServePageAsync("<!doctype html><title>front-end</title><p>front-end</p>");
        var admin = new Admin(_host.CreateClient(admin: true));
        var apiId = await admin.CreateFullApiAsync("cookie");
        var (memberId, email, password) = await admin.RegisterMemberAsync();
        var (attackerId, attackerEmail, attackerPassword) = await admin.RegisterMemberAsync();
        await admin.OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}/cors",
            new { allow_origins = new[] { frontOrigin }, allow_credentials = true });
        var api = $"{apiBase}/rcms-api/{apiId}";

        // The attacker's page: a form whose text/plain body is the JSON of a login to the attacker's own
        // account (login CSRF: the victim would then act in the attacker's account), and a forged logout.
        var forgedLogin = $$"""
            <!doctype html><title>evil</title>
            <form id="login" method="POST" action="{{api}}/login" enctype="text/plain">
              <input type="hidden" name='{"email":"{{attackerEmail}}","password":"{{attackerPassword}}","pad":"' value='"}'>
            </form>
            <script>document.getElementById("login").submit();</script>
            """;
        var evilOrigin = await ServePageAsync(forgedLogin);
        var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();

        // The member logs in through the real front-end.
        await page.GotoAsync(frontOrigin + "/");
        var loggedIn = await page.EvaluateAsync<string>("""
            async ([api, email, password]) => {
              const login = await fetch(api + "/login", { method: "POST", credentials: "include",
                headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email, password }) });
              const profile = await fetch(api + "/profile", { credentials: "include" });
              return login.status + "," + profile.status;
            }
            """, new[] { api, email, password });
        Assert.Equal("200,200", loggedIn);

        // The attacker's page submits its form in the member's browser.
        var forged = await page.RunAndWaitForResponseAsync(() => page.GotoAsync(evilOrigin + "/"), api + "/login");
        Assert.Equal(403, forged.Status);
        var attackerSessions = await admin.OkJsonAsync(HttpMethod.Get, $"/admin/members/{attackerId}/sessions");
        Assert.Empty(attackerSessions["sessions"]!.AsArray());

        // A forged logout changes nothing either. Other ports of 127.0.0.1 are the same site (as a sibling
        // subdomain is), so SameSite=Lax does not stop the browser from attaching the cookie: Origin does.
        var forgedLogout = await ServePageAsync($$"""
            <!doctype html><title>evil</title>
            <script>fetch("{{api}}/logout", { method: "POST", mode: "no-cors", credentials: "include" });</script>
            """);
        var refused = await page.RunAndWaitForResponseAsync(() => page.GotoAsync(forgedLogout + "/"), api + "/logout");
        Assert.Equal(403, refused.Status); // the page itself only sees an opaque answer
        await page.GotoAsync(frontOrigin + "/");
        var still = await page.EvaluateAsync<string>("""
            async (api) => {
              const profile = await fetch(api + "/profile", { credentials: "include" });
              const body = await profile.json();
              const logout = await fetch(api + "/logout", { method: "POST", credentials: "include" });
              const after = await fetch(api + "/profile", { credentials: "include" });
              return [profile.status, body.member_id, logout.status, after.status].join(",");
            }
            """, api);
        Assert.Equal($"200,{memberId},200,401", still);
    }

    /// <summary>Serves <paramref name="html"/> at / on a new loopback port; returns the page's origin.</summary>
    private async Task<string> ServePageAsync(string html)
    {
        var origin = $"http://127.0.0.1:{WebFrontHost.FreePort()}";
        var app = WebApplication.Create(["--urls", origin, "--Logging:LogLevel:Default", "Warning"]);
        app.MapGet("/", () => Results.Content(html, "text/html"));
        await app.StartAsync();
        _pages.Add(app);
        return origin;
    }
}
