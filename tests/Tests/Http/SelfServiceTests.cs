using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// Member self-service over HTTP against a web front as shipped with SMTP pointed at a real SMTP
/// server on loopback: sign-up with and without e-mail confirmation, the password reminder round trip
/// from the e-mail's text, password change, own record, self-deletion, and two-factor login with codes
/// computed here from the <c>otpauth://</c> URI.
/// </summary>
[Collection(SelfServiceCollection.Name)]
public sealed partial class SelfServiceTests(SelfServiceFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private Admin Admin => fixture.Admin;

    private HttpClient Client => fixture.Client;

    private SmtpSink Smtp => fixture.Smtp;

    /// <summary>The caller's credential in either mode: a dynamic access token or a cookie header.</summary>
    private sealed record Credential(string? Token, string? Cookie);

    [Theory]
    [InlineData("dynamic_token")]
    [InlineData("cookie")]
    public async Task SignUp_WithoutConfirmation_CreatesAMemberInTheEndpointsGroups_WhoCanLogInAndReadItsRecord(string mode)
    {
        var apiId = await CreateSelfServiceApiAsync(mode);
        var email = Admin.UniqueEmail();

        var insert = await PostAsync(Client, $"/rcms-api/{apiId}/member/insert", new { email, login_pwd = "pass-word-1", name1 = "Ada", nickname = "ada" });
        var credential = await LoginAsync(apiId, mode, email, "pass-word-1");
        var me = await CallAsync(HttpMethod.Get, apiId, "member/me", null, credential);

        Assert.Equal(HttpStatusCode.OK, insert.Status);
        var id = insert.Body["id"]!.GetValue<long>();
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal(id, me.Body["member_id"]!.GetValue<long>());
        Assert.Equal(email, me.Body["email"]!.GetValue<string>());
        Assert.Equal("Ada", me.Body["name1"]!.GetValue<string>());
        Assert.Equal(["members"], me.Body["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
    }

    [Fact]
    public async Task SignUp_ValidateOnly_ChecksAndStoresNothing_AndNamesEachBadField()
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var email = Admin.UniqueEmail();

        var valid = await PostAsync(Client, $"/rcms-api/{apiId}/member/insert", new { email, login_pwd = "pass-word-1", validate_only = true });
        var invalid = await PostAsync(Client, $"/rcms-api/{apiId}/member/insert", new { email = "not-an-address", login_pwd = "x", validate_only = true });
        var login = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password = "pass-word-1" });

        Assert.Equal(HttpStatusCode.OK, valid.Status);
        Assert.Null(valid.Body["id"]);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        var fields = invalid.Body["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList();
        Assert.Contains("email", fields);
        Assert.Contains("login_pwd", fields);
        Assert.Equal(HttpStatusCode.Unauthorized, login.Status);
    }

    [Fact]
    public async Task SignUp_WithoutConfirmation_RefusesAnAddressAlreadyRegistered_OnTheEmailField()
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var (_, email, _) = await Admin.RegisterMemberAsync();

        var insert = await PostAsync(Client, $"/rcms-api/{apiId}/member/insert", new { email, login_pwd = "pass-word-1" });

        Assert.Equal(HttpStatusCode.BadRequest, insert.Status);
        Assert.Equal("invalid", Code(insert.Body));
        Assert.Equal("email", insert.Body["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("dynamic_token")]
    [InlineData("cookie")]
    public async Task SignUp_WithConfirmation_AnswersAlikeForNewAndRegisteredAddresses_AndTheEmailedCodeActivatesOnce(string mode)
    {
        var apiId = await CreateSelfServiceApiAsync(mode);
        var (existingId, existing, _) = await Admin.RegisterMemberAsync();
        var fresh = Admin.UniqueEmail();

        var forExisting = await PostAsync(Client, $"/rcms-api/{apiId}/member/signup", new { email = existing, login_pwd = "pass-word-1" });
        var forFresh = await PostAsync(Client, $"/rcms-api/{apiId}/member/signup", new { email = fresh, login_pwd = "pass-word-1" });

        // No enumeration: the same status and the same body.
        Assert.Equal(HttpStatusCode.OK, forExisting.Status);
        Assert.Equal(forExisting.Status, forFresh.Status);
        Assert.Equal(forExisting.Body.ToJsonString(), forFresh.Body.ToJsonString());
        Assert.Equal("""{"id":null,"messages":[],"errors":[]}""", forFresh.Body.ToJsonString());

        var notice = await Smtp.NextAsync(existing);
        Assert.DoesNotContain("Confirmation code", notice.TextBody, StringComparison.Ordinal);
        var confirmation = await Smtp.NextAsync(fresh);
        Assert.Contains("30 minutes", confirmation.TextBody, StringComparison.Ordinal);
        var code = MemberCodes.Field(confirmation, "Confirmation code");

        var beforeActivation = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email = fresh, password = "pass-word-1" });
        var wrongCode = await PostAsync(Client, $"/rcms-api/{apiId}/member/signup", new { email = fresh, code = "AAAAA-AAAAA" });
        var activation = await PostAsync(Client, $"/rcms-api/{apiId}/member/signup", new { email = fresh, code });
        var again = await PostAsync(Client, $"/rcms-api/{apiId}/member/signup", new { email = fresh, code });
        var credential = await LoginAsync(apiId, mode, fresh, "pass-word-1");
        var me = await CallAsync(HttpMethod.Get, apiId, "member/me", null, credential);

        Assert.Equal(HttpStatusCode.Unauthorized, beforeActivation.Status);
        Assert.Equal(HttpStatusCode.BadRequest, wrongCode.Status);
        Assert.Equal("code", wrongCode.Body["errors"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, activation.Status);
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal(activation.Body["id"]!.GetValue<long>(), me.Body["member_id"]!.GetValue<long>());

        // The admin API tells a confirmed address from one nobody proved (registered by an administrator).
        var confirmed = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/members/{activation.Body["id"]!.GetValue<long>()}");
        var unproved = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/members/{existingId}");
        Assert.True(confirmed["email_confirmed"]!.GetValue<bool>());
        Assert.False(unproved["email_confirmed"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("dynamic_token")]
    [InlineData("cookie")]
    public async Task Reminder_AnswersAlikeForKnownAndUnknownAddresses_AndItsCodesResetThePassword_EndingEverySession(string mode)
    {
        var apiId = await CreateSelfServiceApiAsync(mode);
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var first = await LoginAsync(apiId, mode, email, password);
        var second = await LoginAsync(apiId, mode, email, password);
        var unknown = Admin.UniqueEmail();

        var forUnknown = await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { email = unknown });
        var forKnown = await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { email });

        Assert.Equal(HttpStatusCode.OK, forKnown.Status);
        Assert.Equal(forKnown.Status, forUnknown.Status);
        Assert.Equal(forKnown.Body.ToJsonString(), forUnknown.Body.ToJsonString());

        var message = await Smtp.NextAsync(email);
        var token = MemberCodes.Field(message, "Reset token");
        var tempPwd = MemberCodes.Field(message, "Temporary password");
        var wrong = await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { token, temp_pwd = "AAAAA-AAAAA", login_pwd = "brand-new-pass" });
        var reset = await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { token, temp_pwd = tempPwd, login_pwd = "brand-new-pass" });
        var replay = await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { token, temp_pwd = tempPwd, login_pwd = "another-pass-1" });

        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(HttpMethod.Get, apiId, "member/me", null, first)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(HttpMethod.Get, apiId, "member/me", null, second)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Status);
        var fresh = await LoginAsync(apiId, mode, email, "brand-new-pass");
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(HttpMethod.Get, apiId, "member/me", null, fresh)).Status);
        Assert.False(await Smtp.AnyArrivesAsync(unknown, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Reminder_RefusesAForgedToken_WithoutChangingAnything()
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");

        var forged = await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { token = "1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAA", temp_pwd = "AAAAA-AAAAA", login_pwd = "brand-new-pass" });

        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        Assert.Equal("token", forged.Body["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("dynamic_token")]
    [InlineData("cookie")]
    public async Task ResetPassword_EndsEveryOtherSession_AndKeepsTheCallers(string mode)
    {
        var apiId = await CreateSelfServiceApiAsync(mode);
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var caller = await LoginAsync(apiId, mode, email, password);
        var other = await LoginAsync(apiId, mode, email, password);

        var change = await CallAsync(HttpMethod.Post, apiId, "reset_password", new { current_password = password, new_password = "changed-pass-1" }, caller);

        Assert.Equal(HttpStatusCode.OK, change.Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(HttpMethod.Get, apiId, "member/me", null, caller)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(HttpMethod.Get, apiId, "member/me", null, other)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password = "changed-pass-1" })).Status);
    }

    [Fact]
    public async Task ResetPassword_WrongCurrentPasswords_LockTheMemberOut()
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var caller = await LoginAsync(apiId, "dynamic_token", email, password);

        for (var i = 0; i < 5; i++)
        {
            var wrong = await CallAsync(HttpMethod.Post, apiId, "reset_password", new { current_password = "not-the-password", new_password = "changed-pass-1" }, caller);
            Assert.NotEqual(HttpStatusCode.OK, wrong.Status);
        }

        var rightButLocked = await CallAsync(HttpMethod.Post, apiId, "reset_password", new { current_password = password, new_password = "changed-pass-1" }, caller);
        var login = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password });

        Assert.Equal(HttpStatusCode.Unauthorized, rightButLocked.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, login.Status);
    }

    [Theory]
    [InlineData("dynamic_token")]
    [InlineData("cookie")]
    public async Task Update_ChangesNames_AndTheEmailOnlyWithTheCurrentPassword(string mode)
    {
        var apiId = await CreateSelfServiceApiAsync(mode);
        var (id, email, password) = await Admin.RegisterMemberAsync();
        var caller = await LoginAsync(apiId, mode, email, password);
        var newEmail = Admin.UniqueEmail();

        var names = await CallAsync(HttpMethod.Post, apiId, "member/update", new { name1 = "Grace", nickname = "gh" }, caller);
        var emailWithout = await CallAsync(HttpMethod.Post, apiId, "member/update", new { email = newEmail }, caller);
        var emailWrong = await CallAsync(HttpMethod.Post, apiId, "member/update", new { email = newEmail, current_password = "wrong-password" }, caller);
        var emailRight = await CallAsync(HttpMethod.Post, apiId, "member/update", new { email = newEmail, current_password = password }, caller);
        // With e-mail configured the new address must be confirmed: the switch happens with the mailed code.
        var beforeCode = await CallAsync(HttpMethod.Get, apiId, "member/me", null, caller);
        var code = MemberCodes.Field(await Smtp.NextAsync(newEmail), "Confirmation code");
        var confirm = await CallAsync(HttpMethod.Post, apiId, "member/update", new { code }, caller);
        var me = await CallAsync(HttpMethod.Get, apiId, "member/me", null, caller);
        Assert.Equal(email, beforeCode.Body["email"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, confirm.Status);

        Assert.Equal(HttpStatusCode.OK, names.Status);
        Assert.Equal(id, names.Body["id"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.BadRequest, emailWithout.Status);
        Assert.Equal("current_password", emailWithout.Body["errors"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, emailWrong.Status);
        Assert.Equal(HttpStatusCode.OK, emailRight.Status);
        Assert.Equal("Grace", me.Body["name1"]!.GetValue<string>());
        Assert.Equal("Member", me.Body["name2"]!.GetValue<string>());
        Assert.Equal(newEmail, me.Body["email"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email = newEmail, password })).Status);
    }

    [Theory]
    [InlineData("dynamic_token")]
    [InlineData("cookie")]
    public async Task Delete_EndsTheMemberAndEverySessionAtOnce(string mode)
    {
        var apiId = await CreateSelfServiceApiAsync(mode);
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var caller = await LoginAsync(apiId, mode, email, password);
        var other = await LoginAsync(apiId, mode, email, password);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(HttpMethod.Get, apiId, "member/me", null, other)).Status);

        var wrong = await CallAsync(HttpMethod.Post, apiId, "member/delete", new { current_password = "wrong-password" }, caller);
        var delete = await CallAsync(HttpMethod.Post, apiId, "member/delete", new { current_password = password }, caller);

        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Equal(HttpStatusCode.OK, delete.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(HttpMethod.Get, apiId, "member/me", null, caller)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(HttpMethod.Get, apiId, "member/me", null, other)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Status);
    }

    [Theory]
    [InlineData("member/me", "GET")]
    [InlineData("member/update", "POST")]
    [InlineData("member/delete", "POST")]
    [InlineData("reset_password", "POST")]
    [InlineData("mfa_setup", "POST")]
    public async Task OwnRecordOperations_NeedAMember_EvenWhenMarkedPublic(string path, string method)
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var operation = path switch
        {
            "member/me" => ("Member", "me"),
            "member/update" => ("Member", "update"),
            "member/delete" => ("Member", "delete"),
            "reset_password" => ("Login", "reset_password"),
            _ => ("Login", "mfa_setup"),
        };
        await Admin.AddEndpointAsync(apiId, method, "public/" + path, operation.Item1 == "Member" ? "Member" : "Authentication", operation.Item1, operation.Item2, new { auth = "public" });

        var answer = await SendAsync(Client, new HttpMethod(method), $"/rcms-api/{apiId}/public/{path}", method == "GET" ? null : new { current_password = "x" });

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
    }

    [Theory]
    [InlineData("dynamic_token")]
    [InlineData("cookie")]
    public async Task TwoFactor_AfterEnrolment_LoginNeedsACode_EachCodeAndRecoveryCodeWorksOnce(string mode)
    {
        var apiId = await CreateSelfServiceApiAsync(mode);
        var (id, email, password) = await Admin.RegisterMemberAsync();
        var caller = await LoginAsync(apiId, mode, email, password);

        var setup = await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { }, caller);
        Assert.Equal(HttpStatusCode.OK, setup.Status);
        var uri = setup.Body["otpauth_uri"]!.GetValue<string>();
        Assert.StartsWith("otpauth://totp/", uri, StringComparison.Ordinal);
        var recovery = setup.Body["recovery_codes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.NotEmpty(recovery);
        var secret = MemberCodes.SecretOf(uri);
        var now = DateTimeOffset.UtcNow;

        var wrongEnrol = await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { onetime_password = WrongCode(secret, now) }, caller);
        var enrol = await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { onetime_password = MemberCodes.Totp(secret, now) }, caller);
        Assert.Equal(HttpStatusCode.BadRequest, wrongEnrol.Status);
        Assert.Equal(HttpStatusCode.OK, enrol.Status);

        // The password alone no longer logs in: status 2, a token for the second step, no grant, no cookie.
        var challenge = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, challenge.Status);
        Assert.Equal(2, challenge.Body["status"]!.GetValue<int>());
        Assert.Null(challenge.Body["grant_token"]);
        Assert.False(challenge.Response.Headers.Contains("Set-Cookie"));
        var mfaToken = challenge.Body["mfa_access_token"]!.GetValue<string>();

        // The next time step's code (inside the allowed drift): the enrolment used the current one, and a code works once.
        var code = MemberCodes.Totp(secret, now.AddSeconds(30));
        var finished = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = mfaToken, onetime_password = code });
        var session = await CredentialFromLoginAsync(apiId, mode, finished);
        Assert.Equal(id, (await CallAsync(HttpMethod.Get, apiId, "member/me", null, session)).Body["member_id"]!.GetValue<long>());

        var tokenAgain = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = mfaToken, onetime_password = code });
        var second = (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Body["mfa_access_token"]!.GetValue<string>();
        var codeAgain = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = second, onetime_password = code });
        var withRecovery = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = second, onetime_password = recovery[0] });
        var third = (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Body["mfa_access_token"]!.GetValue<string>();
        var recoveryAgain = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = third, onetime_password = recovery[0] });

        Assert.Equal(HttpStatusCode.Unauthorized, tokenAgain.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, codeAgain.Status);
        Assert.Equal(HttpStatusCode.OK, withRecovery.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, recoveryAgain.Status);

        // Disabling needs the password; then the password alone logs in again.
        var disable = await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { disable = true, current_password = password }, caller);
        Assert.Equal(HttpStatusCode.OK, disable.Status);
        Assert.Equal(0, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Body["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task TwoFactor_WrongCodes_LockTheMemberOut()
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var secret = await EnrolAsync(apiId, email, password);
        var now = DateTimeOffset.UtcNow;

        var mfaToken = (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Body["mfa_access_token"]!.GetValue<string>();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = mfaToken, onetime_password = WrongCode(secret, now) });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        }

        var login = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password });

        Assert.Equal(HttpStatusCode.Unauthorized, login.Status);
    }

    [Fact]
    public async Task TwoFactor_ForgedOrForeignMfaToken_IsRefused()
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var otherApi = await CreateSelfServiceApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var secret = await EnrolAsync(apiId, email, password);
        var mfaToken = (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Body["mfa_access_token"]!.GetValue<string>();
        var code = MemberCodes.Totp(secret, DateTimeOffset.UtcNow.AddSeconds(30));

        var forged = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = "1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAA", onetime_password = code });
        var foreign = await PostAsync(Client, $"/rcms-api/{otherApi}/login_mfa", new { mfa_access_token = mfaToken, onetime_password = code });

        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, foreign.Status);
    }

    [Fact]
    public async Task Admin_SeesAndResetsAMembersSecondFactor()
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var (id, email, password) = await Admin.RegisterMemberAsync();
        await EnrolAsync(apiId, email, password);

        var state = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/members/{id}/mfa");
        var listedBefore = (await Admin.OkJsonAsync(HttpMethod.Get, "/admin/members?limit=1000"))["members"]!.AsArray().Single(m => m!["member_id"]!.GetValue<long>() == id)!;
        var reset = await Admin.OkJsonAsync(HttpMethod.Post, $"/admin/members/{id}/mfa");
        var readAfter = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/members/{id}");
        var login = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password });

        Assert.True(listedBefore["mfa_enrolled"]!.GetValue<bool>());
        Assert.False(readAfter["mfa_enrolled"]!.GetValue<bool>());
        Assert.True(state["enrolled"]!.GetValue<bool>());
        Assert.Equal(10, state["recovery_codes_left"]!.GetValue<int>());
        Assert.False(reset["enrolled"]!.GetValue<bool>());
        Assert.Equal(0, login.Body["status"]!.GetValue<int>());
        Assert.NotNull(login.Body["grant_token"]);
    }

    private static string WrongCode(byte[] secret, DateTimeOffset now)
    {
        // A six-digit code that is none of the codes the server could accept right now.
        var valid = new[] { -30, 0, 30, 60 }.Select(s => MemberCodes.Totp(secret, now.AddSeconds(s))).ToHashSet();
        return Enumerable.Range(0, 10).Select(i => $"{i}{i}{i}{i}{i}{i}").First(c => !valid.Contains(c));
    }

    private async Task<byte[]> EnrolAsync(string apiId, string email, string password)
    {
        var caller = await LoginAsync(apiId, "dynamic_token", email, password);
        var setup = await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { }, caller);
        var secret = MemberCodes.SecretOf(setup.Body["otpauth_uri"]!.GetValue<string>());
        var enrol = await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { onetime_password = MemberCodes.Totp(secret, DateTimeOffset.UtcNow) }, caller);
        Assert.Equal(HttpStatusCode.OK, enrol.Status);
        return secret;
    }

    private async Task<string> CreateSelfServiceApiAsync(string mode)
    {
        var apiId = await Admin.CreateFullApiAsync(mode);
        await Admin.AddEndpointAsync(apiId, "POST", "member/insert", "Member", "Member", "insert", new { groups = new[] { "members" } });
        await Admin.AddEndpointAsync(apiId, "POST", "member/signup", "Member", "Member", "insert", new { confirm_email = true, groups = new[] { "members" } });
        await Admin.AddEndpointAsync(apiId, "GET", "member/me", "Member", "Member", "me");
        await Admin.AddEndpointAsync(apiId, "POST", "member/update", "Member", "Member", "update");
        await Admin.AddEndpointAsync(apiId, "POST", "member/delete", "Member", "Member", "delete");
        await Admin.AddEndpointAsync(apiId, "POST", "reminder", "Authentication", "Login", "reminder");
        await Admin.AddEndpointAsync(apiId, "POST", "reset_password", "Authentication", "Login", "reset_password");
        await Admin.AddEndpointAsync(apiId, "POST", "login_mfa", "Authentication", "Login", "login_challenge_mfa");
        await Admin.AddEndpointAsync(apiId, "POST", "mfa_setup", "Authentication", "Login", "mfa_setup");
        return apiId;
    }

    private async Task<Credential> LoginAsync(string apiId, string mode, string email, string password)
    {
        var login = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, login.Status);
        return await CredentialFromLoginAsync(apiId, mode, login);
    }

    private async Task<Credential> CredentialFromLoginAsync(string apiId, string mode, (HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response) login)
    {
        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.Equal(0, login.Body["status"]!.GetValue<int>());
        if (mode == "cookie")
        {
            return new Credential(null, CookieHeader(login.Response.Headers.GetValues("Set-Cookie")));
        }

        var token = await PostAsync(Client, $"/rcms-api/{apiId}/token", new { grant_token = login.Body["grant_token"]!.GetValue<string>() });
        Assert.Equal(HttpStatusCode.OK, token.Status);
        return new Credential(token.Body["access_token"]!["value"]!.GetValue<string>(), null);
    }

    private Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> CallAsync(HttpMethod method, string apiId, string path, object? body, Credential credential) =>
        SendAsync(Client, method, $"/rcms-api/{apiId}/{path}", body, credential.Token, credential.Cookie);
}

/// <summary>Without <c>Smtp:Host</c> (the default), the operations that send e-mail say so with 503.</summary>
[Collection(WebFrontCollection.Name)]
public sealed class SelfServiceWithoutMailTests(WebFrontFixture fixture)
{
    [Fact]
    public async Task ReminderAndConfirmedSignUp_Answer503_SayingEmailIsNotConfigured_WhileOtherOperationsWork()
    {
        var admin = fixture.Admin;
        var apiId = await admin.CreateFullApiAsync("dynamic_token");
        await admin.AddEndpointAsync(apiId, "POST", "reminder", "Authentication", "Login", "reminder");
        await admin.AddEndpointAsync(apiId, "POST", "signup", "Member", "Member", "insert", new { confirm_email = true });
        await admin.AddEndpointAsync(apiId, "POST", "insert", "Member", "Member", "insert");

        var reminder = await PostAsync(fixture.Client, $"/rcms-api/{apiId}/reminder", new { email = Admin.UniqueEmail() });
        var signup = await PostAsync(fixture.Client, $"/rcms-api/{apiId}/signup", new { email = Admin.UniqueEmail(), login_pwd = "pass-word-1" });
        var insert = await PostAsync(fixture.Client, $"/rcms-api/{apiId}/insert", new { email = Admin.UniqueEmail(), login_pwd = "pass-word-1" });

        var resetStep = await PostAsync(fixture.Client, $"/rcms-api/{apiId}/reminder", new { token = "1.AAAA.AAAA", temp_pwd = "AAAAA-AAAAA", login_pwd = "pass-word-1" });
        var confirmStep = await PostAsync(fixture.Client, $"/rcms-api/{apiId}/signup", new { email = Admin.UniqueEmail(), code = "AAAAA-AAAAA" });

        // Each answer names the cause and the setting that fixes it.
        foreach (var answer in new[] { reminder, signup, resetStep, confirmStep })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
            Assert.Equal("unavailable", Code(answer.Body));
            var message = answer.Body["errors"]![0]!["message"]!.GetValue<string>();
            Assert.Contains("E-mail is not configured", message, StringComparison.Ordinal);
            Assert.Contains("Smtp:Host", message, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, insert.Status);
    }
}
