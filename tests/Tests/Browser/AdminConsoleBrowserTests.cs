using ApiSecurity.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Browser;

/// <summary>
/// The admin console and a cross-origin cookie login in a real headless Chromium (Debian's
/// <c>chromium</c>, installed by <c>.ci/run</c>), driven by Playwright against a real web front.
/// </summary>
public sealed class AdminConsoleBrowserTests : IAsyncLifetime
{
    private WebFrontHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        _host = await WebFrontHost.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = FindChromium(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task AConsoleUser_CreatesAnApi_SeesTheRequirementError_ThenSwitchesItToDynamicMode()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var policyViolations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                policyViolations.Add(message.Text);
            }
        };
        await page.GotoAsync(new Uri(_host.BaseAddress, "/admin").ToString());

        // Sign in: a wrong token is refused with a message, the right one opens the API list.
        await page.GetByLabel("Admin token").FillAsync("not-the-admin-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#sign-in-error")).ToContainTextAsync("not the admin token");
        await page.GetByLabel("Admin token").FillAsync(WebFrontHost.AdminTokenValue);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "APIs", Exact = true })).ToBeVisibleAsync();

        // Create an API and its endpoints.
        await page.GetByLabel("API id").FillAsync("shop");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Shop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.Locator("#api-title")).ToHaveTextAsync("Shop (shop)");
        await AddEndpointAsync(page, "POST", "login", "Authentication|Login|login_challenge");
        await AddEndpointAsync(page, "POST", "token", "Authentication|Login|token");
        await AddEndpointAsync(page, "GET", "content", "Content|Document|get", """{"title": "hello"}""");
        await Assertions.Expect(page.Locator("#endpoint-table tbody tr")).ToHaveCountAsync(3);

        // The form shows the settings of the chosen operation, each with its default.
        var form = page.Locator("#endpoint-form");
        await form.GetByLabel("Operation").SelectOptionAsync("Authentication|Login|token");
        await Assertions.Expect(form.GetByLabel("Access token lifespan (s)")).ToHaveAttributeAsync("placeholder", "3600 (default)");
        await Assertions.Expect(form.GetByLabel("Cookie SameSite")).ToBeHiddenAsync();
        await Assertions.Expect(form.GetByLabel("Document (JSON object)")).ToBeHiddenAsync();

        // Edit the login endpoint in place: the server's refusal is shown under the field it names,
        // then SameSite=None is one choice in a list.
        var loginId = (await AdminClient().OkJsonAsync(HttpMethod.Get, "/admin/apis/shop/endpoints"))["endpoints"]!.AsArray()
            .Single(e => e!["path"]!.GetValue<string>() == "login")!["endpoint_id"]!.GetValue<long>();
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit POST login" }).ClickAsync();
        await Assertions.Expect(page.Locator("#endpoint-form-title")).ToHaveTextAsync("Edit POST login");
        await Assertions.Expect(form.GetByLabel("Cookie SameSite")).ToBeVisibleAsync();
        await form.GetByLabel("Rate limit: requests").FillAsync("5");
        await form.GetByLabel("per window (s)").FillAsync("4000");
        await form.GetByRole(AriaRole.Button, new() { Name = "Update endpoint" }).ClickAsync();
        await Assertions.Expect(form.Locator(".error[data-error-for='settings.rate_limit.window']")).ToContainTextAsync("between 1 and 3600");
        await form.GetByLabel("per window (s)").FillAsync("60");
        await Assertions.Expect(form.Locator(".error[data-error-for='settings.rate_limit.window']")).ToBeEmptyAsync();
        await form.GetByLabel("Cookie SameSite").SelectOptionAsync("None");
        await form.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "admin-endpoint-edit.png") });
        await form.GetByRole(AriaRole.Button, new() { Name = "Update endpoint" }).ClickAsync();
        await Assertions.Expect(page.Locator("#endpoint-form-title")).ToHaveTextAsync("Add an endpoint");
        await Assertions.Expect(page.Locator("#endpoint-table tbody tr").Filter(new() { HasText = "login_challenge" })).ToContainTextAsync("\"cookie_samesite\":\"None\"");
        var login = (await AdminClient().OkJsonAsync(HttpMethod.Get, "/admin/apis/shop/endpoints"))["endpoints"]!.AsArray()
            .Single(e => e!["path"]!.GetValue<string>() == "login")!;
        Assert.Equal(loginId, login["endpoint_id"]!.GetValue<long>());
        Assert.Equal("None", login["settings"]!["cookie_samesite"]!.GetValue<string>());
        Assert.Equal(5, login["settings"]!["rate_limit"]!["limit"]!.GetValue<int>());
        await Assertions.Expect(page.Locator("#endpoint-table tbody tr")).ToHaveCountAsync(3);

        // Dynamic mode needs a member: the pop-up explains it and stays open.
        await page.GetByRole(AriaRole.Button, new() { Name = "Security…" }).ClickAsync();
        await page.GetByLabel("IP restriction").FillAsync("127.0.0.1 # this machine\n10.0.0.0/8");
        await page.GetByLabel("Dynamic access token (login, then token)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("#security-dialog .error[data-error-for=mode]")).ToContainTextAsync("registered member");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "admin-security-requirement.png") });

        // An invalid IP entry is shown next to the field.
        await page.GetByLabel("None: anyone may call").CheckAsync();
        await page.GetByLabel("IP restriction").FillAsync("not-an-address");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("#security-dialog .error[data-error-for=ip_restriction]")).ToContainTextAsync("not-an-address");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        // Register a member, then the mode can be set.
        await page.GetByRole(AriaRole.Link, new() { Name = "Members" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync("buyer@example.com");
        await page.GetByLabel("Password").FillAsync("correct-horse-battery");
        await page.GetByLabel("Groups (comma-separated)").FillAsync("staff");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Assertions.Expect(page.Locator("#member-table")).ToContainTextAsync("buyer@example.com");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "admin-members.png") });

        await page.GetByRole(AriaRole.Link, new() { Name = "APIs" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "shop", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Security…" }).ClickAsync();
        await page.GetByLabel("Dynamic access token (login, then token)").CheckAsync();
        await page.GetByLabel("IP restriction").FillAsync("127.0.0.1 # this machine");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("#api-mode")).ToHaveTextAsync("Dynamic access token");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "admin-api.png") });

        // Issue a static token: shown once, with a copy button.
        await page.GetByLabel("Memo").FillAsync("build server");
        await page.GetByLabel("Expires").FillAsync(DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue token" }).ClickAsync();
        await Assertions.Expect(page.Locator("#issued-token")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#token-table tbody tr")).ToHaveCountAsync(1);

        // Through HTTP: the mode took effect.
        using var client = _host.CreateClient();
        var anonymous = await GetAsync(client, "/rcms-api/shop/content");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        var (access, _, _) = await LoginDynamicAsync(client, "shop", "buyer@example.com", "correct-horse-battery");
        var allowed = await GetAsync(client, "/rcms-api/shop/content", access);
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Equal("hello", allowed.Body["title"]!.GetValue<string>());

        // The console works under its own Content-Security-Policy (no inline script or style needed).
        Assert.Empty(policyViolations);
    }

    [Fact]
    public async Task APageOnAnotherOrigin_CannotDriveTheAdminApi_NorFrameTheConsole_InTheAdministratorsBrowser()
    {
        // The administrator opened the dashboard, so the browser holds the admin token as Basic credentials.
        var consoleOrigin = _host.BaseAddress.GetLeftPart(UriPartial.Authority);
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            HttpCredentials = new HttpCredentials { Username = "admin", Password = WebFrontHost.AdminTokenValue, Origin = consoleOrigin },
        });
        var dashboard = await context.NewPageAsync();
        var opened = await dashboard.GotoAsync(consoleOrigin + "/dashboard/");
        Assert.Equal(200, opened!.Status);

        // Then visits a page on another origin, which posts a member as a "simple" request (no preflight)
        // and frames the console.
        var email = Admin.UniqueEmail();
        var evilOrigin = $"http://127.0.0.1:{WebFrontHost.FreePort()}";
        var evil = WebApplication.Create(["--urls", evilOrigin]);
        evil.MapGet("/", () => Results.Content($"<!doctype html><title>evil</title><iframe src=\"{consoleOrigin}/admin/\"></iframe>", "text/html"));
        await evil.StartAsync();
        await using var stopEvil = evil;

        // Chromium sends cached Basic credentials unasked only below the directory that asked for them;
        // some browsers send them to the whole origin, so this one is made to as well.
        var basic = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("admin:" + WebFrontHost.AdminTokenValue));
        await context.RouteAsync(consoleOrigin + "/admin/**", route => route.ContinueAsync(new RouteContinueOptions
        {
            Headers = new Dictionary<string, string>(route.Request.Headers) { ["authorization"] = basic },
        }));

        var page = await context.NewPageAsync();
        await page.GotoAsync(evilOrigin + "/");
        await page.EvaluateAsync("""
            async ([url, body]) => {
              await fetch(url, { method: "POST", mode: "no-cors", credentials: "include", headers: { "Content-Type": "text/plain" }, body });
            }
            """, new[] { consoleOrigin + "/admin/members", JsonSerializer.Serialize(new { email, password = "correct-horse" }) });

        var frame = page.Frames.Single(f => f != page.MainFrame);
        Assert.Equal(0, await frame.Locator("#admin-token").CountAsync());

        // Nothing was registered: the same address can still be registered by the administrator.
        using var adminClient = _host.CreateClient(admin: true);
        using var register = await adminClient.PostAsJsonAsync("/admin/members", new { email, password = "correct-horse" });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
    }

    [Fact]
    public async Task ACookieLogin_FromAPageOnAnotherOrigin_WorksInARealBrowser()
    {
        // The API at http://127.0.0.1:{port}; the front-end page at http://127.0.0.1:{other port}: another
        // origin of the same site, as app.example.com and api.example.com are.
        var apiBase = $"http://127.0.0.1:{_host.BaseAddress.Port}";
        var frontOrigin = $"http://127.0.0.1:{WebFrontHost.FreePort()}";
        using var adminClient = _host.CreateClient(admin: true);
        var admin = new Admin(adminClient);
        var apiId = await admin.CreateFullApiAsync("cookie");
        var (_, email, password) = await admin.RegisterMemberAsync();
        await admin.OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}/cors",
            new { allow_origins = new[] { frontOrigin }, allow_methods = Array.Empty<string>(), allow_headers = Array.Empty<string>(), allow_credentials = true });

        // A real server on loopback for the front-end page (a page from no address at all would be
        // treated as public, and Chromium's local-network checks would refuse its calls to loopback).
        var frontPage = WebApplication.Create(["--urls", frontOrigin]);
        frontPage.MapGet("/", () => Results.Content("<!doctype html><title>front-end</title><p>front-end</p>", "text/html"));
        await frontPage.StartAsync();
        await using var stopFrontPage = frontPage;

        var page = await _browser.NewPageAsync();
        await page.GotoAsync(frontOrigin + "/");

        var result = await page.EvaluateAsync<string>("""
            async ([api, email, password]) => {
              const login = await fetch(api + "/login", { method: "POST", credentials: "include",
                headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email, password }) });
              const profile = await fetch(api + "/profile", { credentials: "include" });
              const body = await profile.json();
              const logout = await fetch(api + "/logout", { method: "POST", credentials: "include" });
              const after = await fetch(api + "/profile", { credentials: "include" });
              return [login.status, profile.status, body.email, logout.status, after.status].join(",");
            }
            """, new[] { $"{apiBase}/rcms-api/{apiId}", email, password });

        Assert.Equal($"200,200,{email},200,401", result);
    }

    private static async Task AddEndpointAsync(IPage page, string method, string path, string operation, string? document = null)
    {
        var form = page.Locator("#endpoint-form");
        await form.GetByLabel("Operation").SelectOptionAsync(operation);
        await form.GetByLabel("Method").SelectOptionAsync(method);
        await form.GetByLabel("Path").FillAsync(path);
        if (document is not null)
        {
            await form.GetByLabel("Document (JSON object)").FillAsync(document);
        }

        var rows = await page.Locator("#endpoint-table tbody tr").CountAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await Assertions.Expect(page.Locator("#endpoint-table tbody tr")).ToHaveCountAsync(rows + 1);
    }

    private Admin AdminClient() => new(_host.CreateClient(admin: true));

    private static string FindChromium()
    {
        foreach (var candidate in new[] { "/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Chromium is not installed: apt-get install chromium (.ci/run installs it)");
    }
}
