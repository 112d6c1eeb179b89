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
        await page.GetByRole(AriaRole.Link, new() { Name = "Members", Exact = true }).ClickAsync();
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

    [Fact]
    public async Task AnAdministrator_ResetsAMembersSecondFactor_AddsAnAdministratorWithTokens_AndFindsItAllInTheVerifiedAuditTrail()
    {
        // Given a member who enrolled a second factor through the API (TOTP computed from the otpauth URI)
        var admin = AdminClient();
        var apiId = await admin.CreateFullApiAsync("dynamic_token");
        await admin.AddEndpointAsync(apiId, "POST", "mfa_setup", "Authentication", "Login", "mfa_setup");
        var (memberId, email, password) = await admin.RegisterMemberAsync();
        using (var client = _host.CreateClient())
        {
            var (access, _, _) = await LoginDynamicAsync(client, apiId, email, password);
            var setup = await PostAsync(client, $"/rcms-api/{apiId}/mfa_setup", new { }, access);
            var secret = MemberCodes.SecretOf(setup.Body["otpauth_uri"]!.GetValue<string>());
            var enrol = await PostAsync(client, $"/rcms-api/{apiId}/mfa_setup", new { onetime_password = MemberCodes.Totp(secret, DateTimeOffset.UtcNow) }, access);
            Assert.Equal(HttpStatusCode.OK, enrol.Status);
        }

        var page = await SignedInPageAsync(WebFrontHost.AdminTokenValue);
        await Assertions.Expect(page.Locator("#whoami")).ToHaveTextAsync("bootstrap (admin)");
        var dialogs = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            await dialog.AcceptAsync();
        };

        // The member list says whether each member confirmed its e-mail and enrolled a second factor.
        await page.GetByRole(AriaRole.Link, new() { Name = "Members", Exact = true }).ClickAsync();
        var row = page.Locator("#member-table tbody tr").Filter(new() { HasText = email });
        await Assertions.Expect(row).ToContainTextAsync("not confirmed");
        await Assertions.Expect(row).ToContainTextAsync("enrolled (TOTP)");

        // When the administrator resets it from the member's page (after a confirmation)
        await row.GetByRole(AriaRole.Link, new() { Name = memberId.ToString(System.Globalization.CultureInfo.InvariantCulture), Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#member-mfa")).ToContainTextAsync("Enrolled (TOTP) since");
        await Assertions.Expect(page.Locator("#member-mfa")).ToContainTextAsync("10 recovery codes left");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "admin-member-mfa.png") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Reset second factor" }).ClickAsync();

        // Then the page, the list and the admin API all say it is gone
        await Assertions.Expect(page.Locator("#member-mfa")).ToHaveTextAsync("Not enrolled");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"Second factor of {email} reset");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reset second factor" })).ToBeDisabledAsync();
        Assert.Contains(dialogs, d => d.Contains(email, StringComparison.Ordinal));
        Assert.False((await admin.OkJsonAsync(HttpMethod.Get, $"/admin/members/{memberId}/mfa"))["enrolled"]!.GetValue<bool>());
        await page.GetByRole(AriaRole.Link, new() { Name = "Members", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#member-table tbody tr").Filter(new() { HasText = email })).ToContainTextAsync("none");

        // When the administrator adds an operator; a duplicate name is refused under the field
        await page.GetByRole(AriaRole.Link, new() { Name = "Administrators", Exact = true }).ClickAsync();
        await page.GetByLabel("Administrator name").FillAsync("bootstrap");
        await page.GetByLabel("Role").SelectOptionAsync("operator");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add administrator" }).ClickAsync();
        await Assertions.Expect(page.Locator("#create-admin-form .error[data-error-for=name]")).ToContainTextAsync("exists");
        await page.GetByLabel("Administrator name").FillAsync("ops-ann");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add administrator" }).ClickAsync();
        await Assertions.Expect(page.Locator("#admin-title")).ToHaveTextAsync("ops-ann (operator)");

        // And issues it two tokens, one valid for 30 days and one without expiry, then revokes the second
        var validUntil = DateTime.Now.AddDays(30);
        await page.GetByLabel("Valid until").FillAsync(validUntil.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue administrator token" }).ClickAsync();
        // The first token issued in this host (grain write, audit entry, their first JIT) once took over the default
        // 5 s in CI while every test collection was starting at once; the page showed no error, only no answer yet.
        await Assertions.Expect(page.Locator("#issued-admin-token-value")).ToHaveTextAsync(
            new System.Text.RegularExpressions.Regex("^adm_[0-9a-f]{16}\\."), new() { Timeout = 30_000 });
        var operatorToken = await page.Locator("#issued-admin-token-value").TextContentAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "admin-administrators.png") });
        await page.GetByLabel("Valid until").FillAsync(string.Empty);
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue administrator token" }).ClickAsync();
        await Assertions.Expect(page.Locator("#admin-token-table tbody tr")).ToHaveCountAsync(2);
        var secondToken = await page.Locator("#issued-admin-token-value").TextContentAsync();
        Assert.NotEqual(operatorToken, secondToken);
        await Assertions.Expect(page.Locator("#admin-token-table")).ToContainTextAsync("never");

        var operatorId = (await admin.OkJsonAsync(HttpMethod.Get, "/admin/admins"))["admins"]!.AsArray()
            .Single(a => a!["name"]!.GetValue<string>() == "ops-ann")!["admin_id"]!.GetValue<string>();
        var tokens = (await admin.OkJsonAsync(HttpMethod.Get, $"/admin/admins/{operatorId}/tokens"))["tokens"]!.AsArray();
        var expiring = tokens.Single(t => t!["expires_at"] is not null)!;
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(expiring["expires_at"]!.GetValue<long>()).ToLocalTime();
        Assert.Equal(validUntil.Date, expiresAt.Date);
        var neverId = tokens.Single(t => t!["expires_at"] is null)!["token_id"]!.GetValue<string>();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke administrator token {neverId}" }).ClickAsync();
        await Assertions.Expect(page.Locator("#admin-token-table tbody tr")).ToHaveCountAsync(1);

        // Then the first token signs in as the operator, the revoked one does not
        Assert.Equal("operator", (await SessionAsync(operatorToken!)).Body["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await SessionAsync(secondToken!)).Status);

        // And the audit page lists the changes, newest first, pages through them and verifies the chain
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit", Exact = true }).ClickAsync();
        var entries = page.Locator("#audit-table tbody tr");
        await Assertions.Expect(entries.First).ToContainTextAsync("(unauthenticated)");
        await Assertions.Expect(entries.First).ToContainTextAsync("POST /admin/session");
        await Assertions.Expect(entries.First).ToContainTextAsync("401");
        await Assertions.Expect(entries.Filter(new() { HasText = "console sign-in as operator" })).ToContainTextAsync("ops-ann");
        await Assertions.Expect(entries.Filter(new() { HasText = "DELETE /admin/admins/{adminId}/tokens/{tokenId}" })).ToContainTextAsync($"token_id={neverId}");
        var created = entries.Filter(new() { HasText = "POST /admin/admins" }).Filter(new() { HasText = "role: operator" });
        await Assertions.Expect(created.First).ToContainTextAsync("admin_name=ops-ann");
        await Assertions.Expect(created.First).ToContainTextAsync("201");
        await Assertions.Expect(created.Nth(1)).ToContainTextAsync("admin_name=bootstrap");
        await Assertions.Expect(created.Nth(1)).ToContainTextAsync("409");
        await Assertions.Expect(entries.Filter(new() { HasText = "POST /admin/members/{memberId}/mfa" })).ToContainTextAsync("second factor reset");
        await Assertions.Expect(entries.Filter(new() { HasText = "console sign-in as admin" }).First).ToContainTextAsync("bootstrap");
        var numbers = (await page.Locator("#audit-table tbody tr td:first-child").AllTextContentsAsync()).Select(long.Parse).ToList();
        Assert.Equal(numbers.OrderDescending(), numbers);

        // Filtered to one administrator, two entries a page: older, then back to newer.
        var firstCell = entries.First.Locator("td").First;
        await page.GetByLabel("By administrator").FillAsync("bootstrap");
        await page.GetByLabel("Entries per page").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show entries" }).ClickAsync();
        await Assertions.Expect(firstCell).Not.ToHaveTextAsync(numbers[0].ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(entries).ToHaveCountAsync(2);
        var newest = (await page.Locator("#audit-table tbody tr td:first-child").AllTextContentsAsync()).Select(long.Parse).ToList();
        Assert.All(await entries.AllTextContentsAsync(), text => Assert.Contains("bootstrap", text, StringComparison.Ordinal));
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "← Newer" })).ToBeDisabledAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Older →" }).ClickAsync();
        await Assertions.Expect(firstCell).Not.ToHaveTextAsync(newest[0].ToString(System.Globalization.CultureInfo.InvariantCulture));
        var older = (await page.Locator("#audit-table tbody tr td:first-child").AllTextContentsAsync()).Select(long.Parse).ToList();
        Assert.True(older[0] < newest[1], $"{older[0]} should be older than {newest[1]}");
        await page.GetByRole(AriaRole.Button, new() { Name = "← Newer" }).ClickAsync();
        await Assertions.Expect(firstCell).ToHaveTextAsync(newest[0].ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("By administrator").FillAsync(string.Empty);
        await page.GetByLabel("Entries per page").FillAsync("50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show entries" }).ClickAsync();
        await Assertions.Expect(firstCell).ToHaveTextAsync(numbers[0].ToString(System.Globalization.CultureInfo.InvariantCulture));

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify chain" }).ClickAsync();
        var verify = await admin.OkJsonAsync(HttpMethod.Get, "/admin/audit/verify");
        await Assertions.Expect(page.Locator("#verify-result")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Chain intact: [0-9]+ entries checked\\.$"));
        Assert.True(verify["ok"]!.GetValue<bool>());
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "admin-audit.png"), FullPage = true });
    }

    [Fact]
    public async Task AViewer_GetsAReadOnlyConsole_AndAForcedChangeShowsTheServersRefusal()
    {
        // Given a viewer with a token, an API and a member
        var admin = AdminClient();
        var apiId = await admin.CreateFullApiAsync("none");
        var (memberId, _, _) = await admin.RegisterMemberAsync();
        var viewerId = (await admin.OkJsonAsync(HttpMethod.Post, "/admin/admins", new { name = "auditor", role = "viewer" }))["admin_id"]!.GetValue<string>();
        var viewerToken = (await admin.OkJsonAsync(HttpMethod.Post, $"/admin/admins/{viewerId}/tokens", new { }))["value"]!.GetValue<string>();

        // When it signs in to the console
        var page = await SignedInPageAsync(viewerToken);
        await Assertions.Expect(page.Locator("#whoami")).ToHaveTextAsync("auditor (viewer)");

        // Then it reads everything but is offered no change
        await Assertions.Expect(page.Locator("#api-table")).ToContainTextAsync(apiId);
        await Assertions.Expect(page.Locator("#create-api-form")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByText("Your role can read APIs but not change them.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = apiId, Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#endpoint-table tbody tr")).ToHaveCountAsync(5);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Security…" })).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#endpoint-form")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#issue-token-form")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#endpoint-table button").First).ToBeDisabledAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Members", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#register-form")).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = memberId.ToString(System.Globalization.CultureInfo.InvariantCulture), Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#member-mfa")).ToHaveTextAsync("Not enrolled");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reset second factor" })).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Unlock" })).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke all sessions" })).ToBeDisabledAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "admin-viewer-member.png") });

        await page.GetByRole(AriaRole.Link, new() { Name = "Administrators", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#admin-table")).ToContainTextAsync("auditor");
        await Assertions.Expect(page.Locator("#create-admin-form")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete administrator auditor" })).ToBeDisabledAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "auditor" }).ClickAsync();
        await Assertions.Expect(page.Locator("#admin-token-table tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#issue-admin-token-form")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete administrator" })).ToBeDisabledAsync();

        // When a change is forced anyway (the form shown by hand, as a stale or altered page would)
        await page.GetByRole(AriaRole.Link, new() { Name = "Members", Exact = true }).ClickAsync();
        await page.EvaluateAsync("() => { document.querySelector('#register-form').hidden = false; }");
        var email = Admin.UniqueEmail();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("correct-horse-battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();

        // Then the server's 403 reason is shown, and nothing was registered
        await Assertions.Expect(page.Locator("#register-form .error[data-error-for=register]"))
            .ToHaveTextAsync("The role 'viewer' does not hold the permission 'members:write' this call needs.");
        var members = (await admin.OkJsonAsync(HttpMethod.Get, "/admin/members?limit=1000"))["members"]!.AsArray();
        Assert.DoesNotContain(members, m => m!["email"]!.GetValue<string>() == email);

        // And the viewer sees its refusal in the audit trail, and may verify the chain
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit", Exact = true }).ClickAsync();
        await page.GetByLabel("By administrator").FillAsync("auditor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show entries" }).ClickAsync();
        await Assertions.Expect(page.Locator("#audit-table tbody tr").First).ToContainTextAsync("POST /admin/members");
        await Assertions.Expect(page.Locator("#audit-table tbody tr").First).ToContainTextAsync("403");
        await Assertions.Expect(page.Locator("#audit-table tbody tr").First).ToContainTextAsync("refused: the role lacks members:write");
        await Assertions.Expect(page.Locator("#audit-table tbody tr").Nth(1)).ToContainTextAsync("console sign-in as viewer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify chain" }).ClickAsync();
        await Assertions.Expect(page.Locator("#verify-result")).ToContainTextAsync("Chain intact");

        // And once its token is revoked, the next call signs the console out with a reason
        var tokenId = (await admin.OkJsonAsync(HttpMethod.Get, $"/admin/admins/{viewerId}/tokens"))["tokens"]![0]!["token_id"]!.GetValue<string>();
        using (await admin.SendAsync(HttpMethod.Delete, $"/admin/admins/{viewerId}/tokens/{tokenId}"))
        {
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Members", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#sign-in-error")).ToContainTextAsync("no longer accepted");
        await Assertions.Expect(page.GetByLabel("Admin token")).ToBeVisibleAsync();
    }

    private async Task<IPage> SignedInPageAsync(string token)
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(new Uri(_host.BaseAddress, "/admin/").ToString());
        await page.GetByLabel("Admin token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "APIs", Exact = true })).ToBeVisibleAsync();
        return page;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> SessionAsync(string token)
    {
        using var client = _host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await client.PostAsync("/admin/session", null);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!);
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
