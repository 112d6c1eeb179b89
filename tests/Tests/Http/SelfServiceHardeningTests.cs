using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// Regression tests for attacks on the self-service defaults: guessing second-factor codes between
/// correct passwords, flooding an address with e-mail, taking over a pending sign-up, and a two-factor
/// ticket outliving a password change.
/// </summary>
public sealed partial class SelfServiceTests
{
    [Fact]
    public async Task TwoFactor_CorrectPasswordsBetweenWrongCodes_DoNotResetTheCount_TheMemberIsLockedAndTheRightCodeRefused()
    {
        // The shipped default: 5 failures lock the member (Security:Lockout:MaxFailedAttempts).
        const int maxFailedAttempts = 5;
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var secret = await EnrolAsync(apiId, email, password);
        var now = DateTimeOffset.UtcNow;

        string? spare = null;
        for (var i = 0; i < maxFailedAttempts; i++)
        {
            // Each round: the right password (a fresh second-step token), then one guessed code.
            var login = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password });
            Assert.Equal(HttpStatusCode.OK, login.Status);
            Assert.Equal(2, login.Body["status"]!.GetValue<int>());
            var token = login.Body["mfa_access_token"]!.GetValue<string>();
            if (i == maxFailedAttempts - 1)
            {
                spare = (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Body["mfa_access_token"]!.GetValue<string>();
            }

            var wrong = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = token, onetime_password = WrongCode(secret, now) });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        }

        var loginAfter = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password });
        var rightCode = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = spare, onetime_password = MemberCodes.Totp(secret, DateTimeOffset.UtcNow.AddSeconds(30)) });

        Assert.Equal(HttpStatusCode.Unauthorized, loginAfter.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, rightCode.Status);
        Assert.Null(rightCode.Body["grant_token"]);
    }

    [Fact]
    public async Task TwoFactor_TokensIssuedBeforeAPasswordChange_CannotFinishALogin()
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (secret, recovery) = await EnrolWithRecoveryAsync(apiId, email, password);

        // A session (password + code), and two second-step tokens left pending under the old password.
        var first = (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Body["mfa_access_token"]!.GetValue<string>();
        var beforeChange = (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Body["mfa_access_token"]!.GetValue<string>();
        var beforeReset = (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Body["mfa_access_token"]!.GetValue<string>();
        var session = await CredentialFromLoginAsync(apiId, "dynamic_token",
            await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = first, onetime_password = MemberCodes.Totp(secret, DateTimeOffset.UtcNow.AddSeconds(30)) }));

        var change = await CallAsync(HttpMethod.Post, apiId, "reset_password", new { current_password = password, new_password = "changed-pass-1" }, session);
        Assert.Equal(HttpStatusCode.OK, change.Status);
        var afterChange = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = beforeChange, onetime_password = recovery[0] });

        // The same through the e-mailed reset: a token obtained with the changed password dies with it.
        var pending = (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password = "changed-pass-1" })).Body["mfa_access_token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { email })).Status);
        var message = await Smtp.NextAsync(email);
        var reset = await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { token = MemberCodes.Field(message, "Reset token"), temp_pwd = MemberCodes.Field(message, "Temporary password"), login_pwd = "reset-pass-1" });
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        var afterReset = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = pending, onetime_password = recovery[1] });
        var stale = await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = beforeReset, onetime_password = recovery[2] });

        Assert.Equal(HttpStatusCode.Unauthorized, afterChange.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, afterReset.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.Status);

        // The recovery codes were not spent by the refused attempts: one still finishes a fresh login.
        var fresh = (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password = "reset-pass-1" })).Body["mfa_access_token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/login_mfa", new { mfa_access_token = fresh, onetime_password = recovery[0] })).Status);
    }

    private async Task<(byte[] Secret, List<string> Recovery)> EnrolWithRecoveryAsync(string apiId, string email, string password)
    {
        var caller = await LoginAsync(apiId, "dynamic_token", email, password);
        var setup = await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { }, caller);
        var secret = MemberCodes.SecretOf(setup.Body["otpauth_uri"]!.GetValue<string>());
        var recovery = setup.Body["recovery_codes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        var enrol = await CallAsync(HttpMethod.Post, apiId, "mfa_setup", new { onetime_password = MemberCodes.Totp(secret, DateTimeOffset.UtcNow) }, caller);
        Assert.Equal(HttpStatusCode.OK, enrol.Status);
        return (secret, recovery);
    }

    [Fact]
    public async Task MailFlood_TwentySignUpsOrRemindersForOneAddress_SendOneMail_AndAnswerAlike()
    {
        // The shipped budget (Security:MailBudget): 1 e-mail per address per minute, 5 per hour.
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var fresh = Admin.UniqueEmail();
        var (_, registered, _) = await Admin.RegisterMemberAsync();
        var reminded = (await Admin.RegisterMemberAsync()).Email;

        var answers = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var forFresh = await PostAsync(Client, $"/rcms-api/{apiId}/member/signup", new { email = fresh, login_pwd = "pass-word-1" });
            var forRegistered = await PostAsync(Client, $"/rcms-api/{apiId}/member/signup", new { email = registered, login_pwd = "pass-word-1" });
            var reminder = await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { email = reminded });
            Assert.Equal(HttpStatusCode.OK, forFresh.Status);
            Assert.Equal(HttpStatusCode.OK, forRegistered.Status);
            Assert.Equal(HttpStatusCode.OK, reminder.Status);
            answers.Add(forFresh.Body.ToJsonString() + "|" + forRegistered.Body.ToJsonString() + "|" + reminder.Body.ToJsonString());
        }

        // Every answer is the first one: nothing tells a request over the budget from one under it.
        Assert.Single(answers.Distinct());
        Assert.Equal("Confirm your e-mail address", (await Smtp.NextAsync(fresh)).Subject);
        Assert.Equal("Someone tried to sign up with your e-mail address", (await Smtp.NextAsync(registered)).Subject);
        Assert.Equal("Your password reset code", (await Smtp.NextAsync(reminded)).Subject);
        Assert.False(await Smtp.AnyArrivesAsync(fresh, TimeSpan.FromSeconds(1)));
        Assert.False(await Smtp.AnyArrivesAsync(registered, TimeSpan.FromMilliseconds(200)));
        Assert.False(await Smtp.AnyArrivesAsync(reminded, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task MailFlood_SignUpsAndRemindersShareOneBudgetPerAddress_OtherAddressesAreNotAffected()
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var (_, email, _) = await Admin.RegisterMemberAsync();
        var bystander = (await Admin.RegisterMemberAsync()).Email;

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/member/signup", new { email, login_pwd = "pass-word-1" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { email })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/reminder", new { email = bystander })).Status);

        Assert.Equal("Someone tried to sign up with your e-mail address", (await Smtp.NextAsync(email)).Subject);
        Assert.Equal("Your password reset code", (await Smtp.NextAsync(bystander)).Subject);
        Assert.False(await Smtp.AnyArrivesAsync(email, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task EmailChange_NeedsTheCodeMailedToTheNewAddress_AndATakenAddressAnswersLikeAFreeOne()
    {
        var apiId = await CreateSelfServiceApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (_, taken, takenPassword) = await Admin.RegisterMemberAsync();
        var free = Admin.UniqueEmail();
        var caller = await LoginAsync(apiId, "dynamic_token", email, password);

        var toTaken = await CallAsync(HttpMethod.Post, apiId, "member/update", new { email = taken, current_password = password }, caller);
        var toFree = await CallAsync(HttpMethod.Post, apiId, "member/update", new { email = free, current_password = password }, caller);
        var meBefore = await CallAsync(HttpMethod.Get, apiId, "member/me", null, caller);

        // No enumeration, and no switch yet: the address is not the member's until it is confirmed.
        Assert.Equal(HttpStatusCode.OK, toTaken.Status);
        Assert.Equal(toTaken.Body.ToJsonString(), toFree.Body.ToJsonString());
        Assert.Equal(email, meBefore.Body["email"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email = free, password })).Status);
        Assert.Equal("Someone tried to change their account's e-mail address to yours", (await Smtp.NextAsync(taken)).Subject);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email = taken, password = takenPassword })).Status);

        // Only the code mailed to the free address makes the switch; a wrong one changes nothing.
        var message = await Smtp.NextAsync(free);
        Assert.Equal("Confirm your new e-mail address", message.Subject);
        var wrong = await CallAsync(HttpMethod.Post, apiId, "member/update", new { code = "AAAAA-AAAAA" }, caller);
        var right = await CallAsync(HttpMethod.Post, apiId, "member/update", new { code = MemberCodes.Field(message, "Confirmation code") }, caller);
        var me = await CallAsync(HttpMethod.Get, apiId, "member/me", null, caller);

        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Equal("code", wrong.Body["errors"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, right.Status);
        Assert.Equal(free, me.Body["email"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email = free, password })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Status);
    }
}

/// <summary>
/// A second sign-up for an address whose sign-up waits for confirmation, on a web front with the
/// per-address e-mail budget turned off (so the second request reaches the pending sign-up at once,
/// as it does with the budget after a minute).
/// </summary>
public sealed class SelfServicePendingSignUpTests : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private WebFrontHost _host = null!;

    public async Task InitializeAsync()
    {
        _smtp = SmtpSink.Start();
        _host = await WebFrontHost.StartAsync(settings: _smtp.Settings(("Security:MailBudget:PerMinute", "0"), ("Security:MailBudget:PerHour", "0")));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task ASecondSignUp_DoesNotReplaceThePendingPassword_TheOwnersConfirmationActivatesTheOwnersPassword()
    {
        var (client, apiId) = await CreateApiAsync();
        var email = Admin.UniqueEmail();

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"/rcms-api/{apiId}/signup", new { email, login_pwd = "victims-pass-1" })).Status);
        var first = MemberCodes.Field(await _smtp.NextAsync(email), "Confirmation code");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"/rcms-api/{apiId}/signup", new { email, login_pwd = "attackers-pass-1" })).Status);
        var latest = MemberCodes.Field(await _smtp.NextAsync(email), "Confirmation code");

        // The owner types the code of the latest e-mail in their inbox (the attacker's request caused it).
        var stale = await PostAsync(client, $"/rcms-api/{apiId}/signup", new { email, code = first });
        var confirm = await PostAsync(client, $"/rcms-api/{apiId}/signup", new { email, code = latest });

        Assert.Equal(HttpStatusCode.BadRequest, stale.Status);
        Assert.Equal(HttpStatusCode.OK, confirm.Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"/rcms-api/{apiId}/login", new { email, password = "victims-pass-1" })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(client, $"/rcms-api/{apiId}/login", new { email, password = "attackers-pass-1" })).Status);
    }

    [Fact]
    public async Task AConfirmationWithLoginPwd_SetsThatPassword_SoASignUpMadeFirstByAnotherPersonIsNotActivatedWithTheirs()
    {
        var (client, apiId) = await CreateApiAsync();
        var email = Admin.UniqueEmail();

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"/rcms-api/{apiId}/signup", new { email, login_pwd = "attackers-pass-1" })).Status);
        await _smtp.NextAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"/rcms-api/{apiId}/signup", new { email, login_pwd = "owners-pass-1" })).Status);
        var code = MemberCodes.Field(await _smtp.NextAsync(email), "Confirmation code");

        var tooShort = await PostAsync(client, $"/rcms-api/{apiId}/signup", new { email, code, login_pwd = "x" });
        var confirm = await PostAsync(client, $"/rcms-api/{apiId}/signup", new { email, code, login_pwd = "owners-pass-1" });

        Assert.Equal(HttpStatusCode.BadRequest, tooShort.Status);
        Assert.Equal("login_pwd", tooShort.Body["errors"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, confirm.Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"/rcms-api/{apiId}/login", new { email, password = "owners-pass-1" })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(client, $"/rcms-api/{apiId}/login", new { email, password = "attackers-pass-1" })).Status);
    }

    private async Task<(HttpClient Client, string ApiId)> CreateApiAsync()
    {
        var admin = new Admin(_host.CreateClient(admin: true));
        var apiId = await admin.CreateFullApiAsync("dynamic_token");
        await admin.AddEndpointAsync(apiId, "POST", "signup", "Member", "Member", "insert", new { confirm_email = true });
        return (_host.CreateClient(), apiId);
    }
}
