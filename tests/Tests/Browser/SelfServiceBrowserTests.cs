using ApiSecurity.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Browser;

/// <summary>
/// A member signs up in a real Chromium through a cookie-mode front-end page on another origin: types
/// an address and a password into the sign-up form, reads the confirmation code from the e-mail the
/// web front sent to a real SMTP server on loopback, types it in, logs in, and changes the password.
/// The page only uses <c>fetch</c> with <c>credentials: "include"</c>, as a Kuroco front-end does.
/// </summary>
public sealed class SelfServiceBrowserTests : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private WebFrontHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private WebApplication? _frontEnd;

    public async Task InitializeAsync()
    {
        _smtp = SmtpSink.Start();
        _host = await WebFrontHost.StartAsync(settings: _smtp.Settings());
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        if (_frontEnd is not null)
        {
            await _frontEnd.DisposeAsync();
        }

        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task AMember_SignsUpOnACookieFrontEnd_ConfirmsWithTheEmailedCode_LogsIn_AndChangesThePassword()
    {
        // Given a cookie-mode API with sign-up (confirmed by e-mail) and password change, listing the
        // front-end's origin for credentialed CORS; the page is served on another loopback port.
        var frontOrigin = await ServeFrontEndAsync();
        var admin = new Admin(_host.CreateClient(admin: true));
        var apiId = await admin.CreateFullApiAsync("cookie");
        await admin.AddEndpointAsync(apiId, "POST", "member/insert", "Member", "Member", "insert", new { confirm_email = true, groups = new[] { "members" } });
        await admin.AddEndpointAsync(apiId, "POST", "reset_password", "Authentication", "Login", "reset_password");
        await admin.OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}/cors", new { allow_origins = new[] { frontOrigin }, allow_credentials = true });
        var api = $"http://127.0.0.1:{_host.BaseAddress.Port}/rcms-api/{apiId}";
        var email = Admin.UniqueEmail();
        using var elsewhere = _host.CreateClient();

        var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{frontOrigin}/?api={Uri.EscapeDataString(api)}");

        // When the visitor fills in the sign-up form
        await page.FillAsync("#signup-email", email);
        await page.FillAsync("#signup-password", "first-pass-123");
        await page.ClickAsync("#signup-submit");
        await Assertions.Expect(page.Locator("#signup-result")).ToHaveTextAsync("200 Check your e-mail for the confirmation code.");

        // Then a confirmation e-mail arrives at the real SMTP server; the visitor types its code in
        var message = await _smtp.NextAsync(email);
        Assert.Equal("Confirm your e-mail address", message.Subject);
        var code = MemberCodes.Field(message, "Confirmation code");
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(elsewhere, $"/rcms-api/{apiId}/login", new { email, password = "first-pass-123" })).Status);
        await page.FillAsync("#confirm-code", code);
        await page.ClickAsync("#confirm-submit");
        await Assertions.Expect(page.Locator("#confirm-result")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^200 Account \d+ is active\.$"));
        var memberId = long.Parse((await page.Locator("#confirm-result").TextContentAsync())!.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);

        // When the member logs in, the page reads the profile with the session cookie
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", "first-pass-123");
        await page.ClickAsync("#login-submit");
        await Assertions.Expect(page.Locator("#login-result")).ToHaveTextAsync($"200 Logged in as {email} (member {memberId}, groups members).");
        var cookies = await context.CookiesAsync([api]);
        var session = Assert.Single(cookies, c => c.Name == "rcms_api_access_token");
        Assert.True(session.HttpOnly);

        // Meanwhile the member is also logged in elsewhere (another device)
        var (otherDevice, _) = await LoginCookieAsync(elsewhere, apiId, email, "first-pass-123");

        // When the member changes the password on the page
        await page.FillAsync("#change-current", "first-pass-123");
        await page.FillAsync("#change-new", "second-pass-456");
        await page.ClickAsync("#change-submit");
        await Assertions.Expect(page.Locator("#change-result")).ToHaveTextAsync("200 Password changed.");

        // Then the page's own session goes on, the other device's ended, and only the new password logs in
        await page.ClickAsync("#profile-submit");
        await Assertions.Expect(page.Locator("#profile-result")).ToHaveTextAsync($"200 {email}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(elsewhere, $"/rcms-api/{apiId}/profile", cookie: otherDevice)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(elsewhere, $"/rcms-api/{apiId}/login", new { email, password = "first-pass-123" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(elsewhere, $"/rcms-api/{apiId}/login", new { email, password = "second-pass-456" })).Status);

        // And a wrong current password is refused on its field, shown to the member
        await page.FillAsync("#change-current", "first-pass-123");
        await page.FillAsync("#change-new", "third-pass-789");
        await page.ClickAsync("#change-submit");
        await Assertions.Expect(page.Locator("#change-result")).ToHaveTextAsync("400 current_password: current_password is wrong");
        await context.CloseAsync();
    }

    /// <summary>The front-end: four forms and a little script, served at / on a new loopback port; returns its origin.</summary>
    private async Task<string> ServeFrontEndAsync()
    {
        var origin = $"http://127.0.0.1:{WebFrontHost.FreePort()}";
        var app = WebApplication.Create(["--urls", origin, "--Logging:LogLevel:Default", "Warning"]);
        app.MapGet("/", () => Results.Content(FrontEndPage, "text/html"));
        await app.StartAsync();
        _frontEnd = app;
        return origin;
    }

    private const string FrontEndPage = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Members</title></head>
        <body>
        <h1>Sign up</h1>
        <form id="signup"><input id="signup-email" type="email" required> <input id="signup-password" type="password" required>
          <button id="signup-submit">Sign up</button></form>
        <p id="signup-result"></p>
        <form id="confirm"><input id="confirm-code" required> <button id="confirm-submit">Confirm</button></form>
        <p id="confirm-result"></p>
        <h1>Log in</h1>
        <form id="login"><input id="login-email" type="email" required> <input id="login-password" type="password" required>
          <button id="login-submit">Log in</button></form>
        <p id="login-result"></p>
        <h1>Change password</h1>
        <form id="change"><input id="change-current" type="password" required> <input id="change-new" type="password" required>
          <button id="change-submit">Change</button></form>
        <p id="change-result"></p>
        <form id="profile"><button id="profile-submit">Who am I?</button></form>
        <p id="profile-result"></p>
        <script>
        const api = new URLSearchParams(location.search).get("api");
        const value = id => document.getElementById(id).value;
        let signedUpAs = "";

        async function call(method, path, body) {
          const response = await fetch(api + path, {
            method, credentials: "include",
            headers: body ? { "Content-Type": "application/json" } : {},
            body: body ? JSON.stringify(body) : undefined,
          });
          return { status: response.status, body: await response.json() };
        }

        function show(id, answer, text) {
          const error = answer.body.errors && answer.body.errors[0];
          document.getElementById(id).textContent = answer.status + " " +
            (answer.status === 200 ? text(answer.body) : (error.field ? error.field + ": " : "") + error.message);
        }

        function on(form, handler) {
          document.getElementById(form).addEventListener("submit", async event => { event.preventDefault(); await handler(); });
        }

        on("signup", async () => {
          signedUpAs = value("signup-email");
          const answer = await call("POST", "/member/insert", { email: signedUpAs, login_pwd: value("signup-password") });
          show("signup-result", answer, () => "Check your e-mail for the confirmation code.");
        });
        on("confirm", async () => {
          const answer = await call("POST", "/member/insert", { email: signedUpAs, code: value("confirm-code") });
          show("confirm-result", answer, body => "Account " + body.id + " is active.");
        });
        on("login", async () => {
          const login = await call("POST", "/login", { email: value("login-email"), password: value("login-password") });
          if (login.status !== 200) { show("login-result", login); return; }
          const profile = await call("GET", "/profile");
          show("login-result", profile, body => "Logged in as " + body.email + " (member " + body.member_id + ", groups " + body.groups.join(",") + ").");
        });
        on("change", async () => {
          const answer = await call("POST", "/reset_password", { current_password: value("change-current"), new_password: value("change-new") });
          show("change-result", answer, () => "Password changed.");
        });
        on("profile", async () => {
          const answer = await call("GET", "/profile");
          show("profile-result", answer, body => body.email);
        });
        </script>
        </body>
        </html>
        """;
}
