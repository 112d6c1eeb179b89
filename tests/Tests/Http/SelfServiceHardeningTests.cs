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
}
