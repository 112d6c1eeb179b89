using System.Diagnostics;
using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// The rules around self-service, over HTTP with the real SMTP server: no enumeration by timing (with a
/// slow mail server), which logins end on every API when the password is reset, changed or the member
/// deletes itself, single-use e-mailed and second-factor codes, and one lockout count for wrong
/// passwords and wrong codes.
/// </summary>
public sealed partial class SelfServiceTests
{
    private const string AccessCookie = "rcms_api_access_token";
    private const string AutoLoginCookie = "rcms_api_refresh_token";

    [Fact]
    public async Task Reminder_ForAKnownAndAnUnknownAddress_AnswersInAboutTheSameTime_EvenWithASlowMailServer()
    {
        // A mail server that takes 600 ms to accept each message to the known address: an answer that
        // waited for the e-mail would be that much slower for registered addresses.
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var (_, email, _) = await Admin.RegisterMemberAsync();
        var unknown = Admin.UniqueEmail();
        var slow = TimeSpan.FromMilliseconds(600);
        Smtp.DelayDeliveryTo(email, slow);
        Smtp.DelayDeliveryTo(unknown, slow);

        var (known, notKnown) = await MedianTimesAsync(
            () => PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { email }),
            () => PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { email = unknown }));

        output.WriteLine($"reminder, median of 9: registered address {known:F1} ms, unknown address {notKnown:F1} ms (mail server delay 600 ms)");
        Assert.True(Math.Abs(known - notKnown) < 200,
            $"median answer for a registered address {known:F0} ms, for an unknown one {notKnown:F0} ms");
        // The reminders did go out (the known address receives them, the unknown one nothing).
        var message = await Smtp.NextAsync(email);
        Assert.Equal("Your password reset code", message.Subject);
        Assert.False(await Smtp.AnyArrivesAsync(unknown, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task SignUpWithConfirmation_ForANewAndARegisteredAddress_AnswersInAboutTheSameTime()
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var (_, registered, _) = await Admin.RegisterMemberAsync();
        Smtp.DelayDeliveryTo(registered, TimeSpan.FromMilliseconds(600));
        var fresh = new List<string>();

        var (forRegistered, forNew) = await MedianTimesAsync(
            () => PostAsync(Client, $"/rcms-api/{apiId}/member/signup", new { email = registered, login_pwd = "pass-word-1" }),
            () =>
            {
                var address = Admin.UniqueEmail();
                fresh.Add(address);
                Smtp.DelayDeliveryTo(address, TimeSpan.FromMilliseconds(600));
                return PostAsync(Client, $"/rcms-api/{apiId}/member/signup", new { email = address, login_pwd = "pass-word-1" });
            });

        output.WriteLine($"confirmed sign-up, median of 9: registered address {forRegistered:F1} ms, new address {forNew:F1} ms (mail server delay 600 ms)");
        Assert.True(Math.Abs(forRegistered - forNew) < 200,
            $"median answer for a registered address {forRegistered:F0} ms, for a new one {forNew:F0} ms");
        Assert.Equal("Someone tried to sign up with your e-mail address", (await Smtp.NextAsync(registered)).Subject);
        Assert.Equal("Confirm your e-mail address", (await Smtp.NextAsync(fresh[^1])).Subject);
    }

    [Fact]
    public async Task ReminderReset_EndsEveryLoginOfTheMember_OnEveryApi_RefreshTokensAndAutoLoginIncluded()
    {
        var cookieApi = await CreateSelfServiceApiAsync("cookie");
        var otherCookieApi = await Admin.CreateFullApiAsync("cookie");
        var dynamicApi = await Admin.CreateFullApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (cookie, _) = await LoginCookieAsync(Client, cookieApi, email, password, loginSave: 1);
        var (access, refresh, _) = await LoginDynamicAsync(Client, dynamicApi, email, password);

        // The auto-login cookie alone restores a session (and is replaced); keep the replacement.
        var restored = await GetAsync(Client, $"/rcms-api/{cookieApi}/content/doc", cookie: Only(cookie, AutoLoginCookie));
        Assert.Equal(HttpStatusCode.OK, restored.Status);
        var autoLogin = Only(CookieHeader(restored.Response.Headers.GetValues("Set-Cookie")), AutoLoginCookie);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{otherCookieApi}/profile", cookie: cookie)).Status);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{cookieApi}/reminder", new { email })).Status);
        var message = await Smtp.NextAsync(email);
        var reset = await PostAsync(Client, $"/rcms-api/{cookieApi}/reminder", new
        {
            token = MemberCodes.Field(message, "Reset token"),
            temp_pwd = MemberCodes.Field(message, "Temporary password"),
            login_pwd = "reset-by-mail-1",
        });

        Assert.Equal(HttpStatusCode.OK, reset.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{cookieApi}/profile", cookie: cookie)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{otherCookieApi}/profile", cookie: cookie)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{cookieApi}/content/doc", cookie: autoLogin)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{dynamicApi}/profile", access)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{dynamicApi}/token", new { grant_token = "", refresh_token = refresh })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{dynamicApi}/login", new { email, password = "reset-by-mail-1" })).Status);
    }

    [Fact]
    public async Task PasswordChange_KeepsTheCallersCookieLoginOnEveryCookieApi_AndEndsEveryOtherLoginEverywhere()
    {
        var cookieApi = await CreateSelfServiceApiAsync("cookie");
        var otherCookieApi = await Admin.CreateFullApiAsync("cookie");
        var dynamicApi = await Admin.CreateFullApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (caller, _) = await LoginCookieAsync(Client, cookieApi, email, password);
        var (otherBrowser, _) = await LoginCookieAsync(Client, otherCookieApi, email, password, loginSave: 1);
        var (access, refresh, _) = await LoginDynamicAsync(Client, dynamicApi, email, password);

        var change = await PostAsync(Client, $"/rcms-api/{cookieApi}/reset_password", new { current_password = password, new_password = "changed-pass-2" }, cookie: caller);

        Assert.Equal(HttpStatusCode.OK, change.Status);
        // One cookie login is valid on every cookie API: the caller's stays valid on both.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{cookieApi}/profile", cookie: caller)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{otherCookieApi}/profile", cookie: caller)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{otherCookieApi}/profile", cookie: otherBrowser)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{otherCookieApi}/content/doc", cookie: Only(otherBrowser, AutoLoginCookie))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{dynamicApi}/profile", access)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{dynamicApi}/token", new { grant_token = "", refresh_token = refresh })).Status);
    }

    [Fact]
    public async Task SelfDelete_EndsEveryLoginOnEveryApi_AndTheMembersStaticTokens_AndExpiresTheCookies()
    {
        var cookieApi = await CreateSelfServiceApiAsync("cookie");
        var dynamicApi = await Admin.CreateFullApiAsync("dynamic_token");
        var staticApi = await Admin.CreateFullApiAsync("static_token");
        var (id, email, password) = await Admin.RegisterMemberAsync();
        var (cookie, _) = await LoginCookieAsync(Client, cookieApi, email, password, loginSave: 1);
        var (access, refresh, _) = await LoginDynamicAsync(Client, dynamicApi, email, password);
        var (_, staticToken) = await Admin.IssueStaticTokenAsync(staticApi, "bound to the member", memberId: id);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{staticApi}/content/doc", staticToken)).Status);

        var delete = await PostAsync(Client, $"/rcms-api/{cookieApi}/member/delete", new { current_password = password }, cookie: cookie);

        Assert.Equal(HttpStatusCode.OK, delete.Status);
        var expired = delete.Response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(expired, c => c.StartsWith(AccessCookie + "=;", StringComparison.Ordinal) && c.Contains("max-age=0", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{cookieApi}/profile", cookie: cookie)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{cookieApi}/content/doc", cookie: Only(cookie, AutoLoginCookie))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{dynamicApi}/profile", access)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{dynamicApi}/token", new { grant_token = "", refresh_token = refresh })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{staticApi}/content/doc", staticToken)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.SendAsync(HttpMethod.Get, $"/admin/members/{id}")).StatusCode);

        // The address is free again: a new sign-up with it works.
        var again = await PostAsync(Client, $"/rcms-api/{cookieApi}/member/insert", new { email, login_pwd = "pass-word-1" });
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.NotEqual(id, again.Body["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Reminder_FiveWrongTemporaryPasswords_SpendTheEmail_AndThePasswordStaysAsItWas()
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { email })).Status);
        var message = await Smtp.NextAsync(email);
        Assert.Contains("30 minutes", message.TextBody, StringComparison.Ordinal);
        var token = MemberCodes.Field(message, "Reset token");
        var tempPwd = MemberCodes.Field(message, "Temporary password");

        for (var i = 0; i < 5; i++)
        {
            var wrong = await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { token, temp_pwd = "AAAAA-AAAAA", login_pwd = "guessed-pass-1" });
            Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
            Assert.Equal("temp_pwd", wrong.Body["errors"]![0]!["field"]!.GetValue<string>());
        }

        var right = await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { token, temp_pwd = tempPwd, login_pwd = "guessed-pass-1" });

        Assert.Equal(HttpStatusCode.BadRequest, right.Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password = "guessed-pass-1" })).Status);
    }

    [Fact]
    public async Task TwoFactor_TheCodeThatFinishedTheEnrolment_DoesNotLogIn()
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var caller = await LoginAsync(apiId, "dynamic_token", email, password);
        var setup = await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { }, caller);
        var secret = MemberCodes.SecretOf(setup.Body["otpauth_uri"]!.GetValue<string>());
        var now = DateTimeOffset.UtcNow;
        var enrolmentCode = MemberCodes.Totp(secret, now);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { onetime_password = enrolmentCode }, caller)).Status);
        var mfaToken = (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Body["mfa_access_token"]!.GetValue<string>();

        var replayed = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = mfaToken, onetime_password = enrolmentCode });
        var next = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = mfaToken, onetime_password = MemberCodes.Totp(secret, now.AddSeconds(30)) });

        Assert.Equal(HttpStatusCode.Unauthorized, replayed.Status);
        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.NotNull(next.Body["grant_token"]);
    }

    [Fact]
    public async Task TwoFactor_WrongCodesAndWrongPasswords_CountTogether_AndALockedMemberIsRefusedEvenWithTheRightCode()
    {
        // Lockout after 5 failures (the default). Four wrong codes and one wrong password make five:
        // with separate counts neither would lock.
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var (id, email, password) = await Admin.RegisterMemberAsync();
        var secret = await EnrolAsync(apiId, email, password);
        var now = DateTimeOffset.UtcNow;
        var first = (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Body["mfa_access_token"]!.GetValue<string>();
        var second = (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Body["mfa_access_token"]!.GetValue<string>();

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = first, onetime_password = WrongCode(secret, now) })).Status);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password = "not-the-password" })).Status);
        var rightCode = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = second, onetime_password = MemberCodes.Totp(secret, now.AddSeconds(30)) });
        var rightPassword = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password });

        Assert.Equal(HttpStatusCode.Unauthorized, rightCode.Status);
        Assert.Null(rightCode.Body["grant_token"]);
        Assert.Equal(HttpStatusCode.Unauthorized, rightPassword.Status);
        Assert.True((await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/members/{id}"))["locked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TwoFactor_InCookieMode_LoginSaveCarriesToTheSecondStep_AndEnrolmentRefusesWhatDoesNotFit()
    {
        var apiId = await CreateSelfServiceApiAsync("cookie");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var caller = await LoginAsync(apiId, "cookie", email, password);

        var codeWithoutSetup = await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { onetime_password = "123456" }, caller);
        var setup = await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { }, caller);
        var secret = MemberCodes.SecretOf(setup.Body["otpauth_uri"]!.GetValue<string>());
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { onetime_password = MemberCodes.Totp(secret, now) }, caller)).Status);
        var setupAgain = await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { }, caller);
        var disableWithoutPassword = await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { disable = true }, caller);

        Assert.Equal(HttpStatusCode.BadRequest, codeWithoutSetup.Status);
        Assert.Equal("onetime_password", codeWithoutSetup.Body["errors"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, setupAgain.Status);
        Assert.Null(setupAgain.Body["otpauth_uri"]);
        Assert.Equal(HttpStatusCode.BadRequest, disableWithoutPassword.Status);
        Assert.Equal("current_password", disableWithoutPassword.Body["errors"]![0]!["field"]!.GetValue<string>());

        // The password step with login_save=1 sets no cookie; the second step sets both, as a plain login would.
        var challenge = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password, login_save = 1 });
        Assert.Equal(2, challenge.Body["status"]!.GetValue<int>());
        Assert.False(challenge.Response.Headers.Contains("Set-Cookie"));
        var finished = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new
        {
            mfa_access_token = challenge.Body["mfa_access_token"]!.GetValue<string>(),
            onetime_password = MemberCodes.Totp(secret, now.AddSeconds(30)),
        });
        Assert.Equal(HttpStatusCode.OK, finished.Status);
        var cookies = finished.Response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith(AccessCookie + "=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(AutoLoginCookie + "=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{apiId}/member/me", cookie: CookieHeader(cookies))).Status);
    }

    [Theory]
    [InlineData("member/me", "GET", "Member", "Member", "me")]
    [InlineData("member/update", "POST", "Member", "Member", "update")]
    [InlineData("member/delete", "POST", "Member", "Member", "delete")]
    [InlineData("reset_password", "POST", "Authentication", "Login", "reset_password")]
    [InlineData("mfa_setup", "POST", "Authentication", "Login", "mfa_setup")]
    public async Task OwnRecordOperations_WithoutAMember_Answer401_OnAModeNoneApi_AndWithAStaticTokenBoundToNoMember(
        string path, string method, string category, string model, string operation)
    {
        var noneApi = await Admin.CreateFullApiAsync("none");
        var staticApi = await Admin.CreateFullApiAsync("static_token");
        await Admin.AddEndpointAsync(noneApi, method, path, category, model, operation);
        await Admin.AddEndpointAsync(staticApi, method, path, category, model, operation);
        var (_, unbound) = await Admin.IssueStaticTokenAsync(staticApi, "bound to no member");
        var body = method == "GET" ? null : new { current_password = "correct-horse", new_password = "changed-pass-1", name1 = "X" };

        var onNone = await SendAsync(Client, new HttpMethod(method), $"/rcms-api/{noneApi}/{path}", body);
        var withUnbound = await SendAsync(Client, new HttpMethod(method), $"/rcms-api/{staticApi}/{path}", body, unbound);

        Assert.Equal(HttpStatusCode.Unauthorized, onNone.Status);
        Assert.Equal("unauthorized", Code(onNone.Body));
        Assert.Equal(HttpStatusCode.Unauthorized, withUnbound.Status);
        Assert.Equal("unauthorized", Code(withUnbound.Body));
    }

    /// <summary>The cookie header with only the named cookie.</summary>
    private static string Only(string cookieHeader, string name) =>
        cookieHeader.Split("; ").Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));

    /// <summary>
    /// Times <paramref name="a"/> and <paramref name="b"/> alternately (after one warm-up each), nine times,
    /// and returns each one's median in milliseconds; each call must answer 200.
    /// </summary>
    private static async Task<(double A, double B)> MedianTimesAsync(
        Func<Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)>> a,
        Func<Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)>> b)
    {
        await a();
        await b();
        var timesA = new List<double>();
        var timesB = new List<double>();
        string? bodyA = null, bodyB = null;
        for (var i = 0; i < 9; i++)
        {
            foreach (var (call, times, isA) in i % 2 == 0 ? new[] { (a, timesA, true), (b, timesB, false) } : [(b, timesB, false), (a, timesA, true)])
            {
                var clock = Stopwatch.StartNew();
                var answer = await call();
                times.Add(clock.Elapsed.TotalMilliseconds);
                Assert.Equal(HttpStatusCode.OK, answer.Status);
                if (isA)
                {
                    bodyA = answer.Body.ToJsonString();
                }
                else
                {
                    bodyB = answer.Body.ToJsonString();
                }
            }
        }

        Assert.Equal(bodyA, bodyB);
        return (Median(timesA), Median(timesB));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}

/// <summary>
/// On a fresh system with no member at all, a confirmed sign-up is what makes cookie and dynamic modes
/// possible: a pending (unconfirmed) sign-up does not count as the "at least one member" they need.
/// </summary>
public sealed class SelfServiceFirstMemberTests : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private WebFrontHost _host = null!;

    public async Task InitializeAsync()
    {
        _smtp = SmtpSink.Start();
        _host = await WebFrontHost.StartAsync(settings: _smtp.Settings());
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task APendingSignUp_DoesNotCountAsAMember_ItsConfirmationDoes()
    {
        var admin = new Admin(_host.CreateClient(admin: true));
        using var client = _host.CreateClient();
        var apiId = Admin.UniqueId("first");
        await admin.CreateApiAsync(apiId);
        await admin.AddLoginAsync(apiId);
        await admin.AddEndpointAsync(apiId, "POST", "signup", "Member", "Member", "insert", new { confirm_email = true });
        var email = Admin.UniqueEmail();

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"/rcms-api/{apiId}/signup", new { email, login_pwd = "pass-word-1" })).Status);
        var code = MemberCodes.Field(await _smtp.NextAsync(email), "Confirmation code");
        using var whilePending = await admin.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}/security", new { mode = "cookie", ip_restriction = Array.Empty<string>() });
        var confirm = await PostAsync(client, $"/rcms-api/{apiId}/signup", new { email, code });
        using var afterConfirmation = await admin.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}/security", new { mode = "cookie", ip_restriction = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.Conflict, whilePending.StatusCode);
        Assert.Equal(HttpStatusCode.OK, confirm.Status);
        Assert.Equal(HttpStatusCode.OK, afterConfirmation.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"/rcms-api/{apiId}/login", new { email, password = "pass-word-1" })).Status);
    }
}
