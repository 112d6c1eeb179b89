using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.Grains.Security;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>
/// <c>Authentication / Login / login_challenge_mfa</c>: the second step of a two-factor login. Takes
/// the <c>mfa_access_token</c> of <c>login_challenge</c> and a TOTP code (or a recovery code) and
/// finishes the login as <c>login_challenge</c> does. A wrong code counts toward the lockout.
/// </summary>
public sealed partial class LoginChallengeMfaOperation(IGrainFactory grains, TokenKeyRing keys, ApiSecurityMetrics metrics, ILogger<LoginChallengeMfaOperation> logger) : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.LoginChallengeMfa;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller)
    {
        var fields = await SelfServiceHttp.ReadStringsAsync(context, "mfa_access_token", "onetime_password");
        if (fields is null)
        {
            return;
        }

        var errors = new List<FieldError>();
        SelfServiceHttp.Require(fields, "mfa_access_token", errors);
        SelfServiceHttp.Require(fields, "onetime_password", errors);
        if (errors.Count > 0)
        {
            await RcmsResponse.ValidationAsync(context, errors);
            return;
        }

        // MAC-signed like session tokens: a forged token is refused without any grain call.
        var mac = await keys.GetAsync();
        var clientIp = SelfServiceHttp.ClientIp(context);
        var result = mac.TryRead(fields["mfa_access_token"], out var token)
            ? await StateConflict.RetryOnceAsync(() => grains.GetGrain<IMemberGrain>(token.MemberId).CompleteMfaLoginAsync(token.Secret, request.Api.Scope, fields["onetime_password"]!, clientIp))
            : new MfaLoginResult(SelfServiceStatus.WrongCode, false);
        if (result.Status != SelfServiceStatus.Ok)
        {
            using (RequestLogScope.Begin(logger, context))
            {
                LogRefused(logger, request.Api.ApiId, result.Status);
            }
            metrics.Login(result.Status == SelfServiceStatus.LockedOut ? "locked_out" : "invalid_credentials");
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, RcmsResponse.Codes.Unauthorized, "Invalid or expired two-factor login");
            return;
        }

        metrics.Login("ok");
        await LoginChallengeOperation.IssueAsync(grains, metrics, context, request, token.MemberId, result.LoginSave, clientIp);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Two-factor login refused on API {ApiId}: {Status}")]
    private static partial void LogRefused(ILogger logger, string apiId, SelfServiceStatus status);
}
