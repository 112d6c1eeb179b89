using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>
/// <c>Authentication / Login / reset_password</c>: the caller changes its password with the current
/// one. Every other login of the member ends (whoever else held a session is out); the caller's stays.
/// </summary>
public sealed class ResetPasswordOperation(IGrainFactory grains, SessionValidationCache cache, ApiSecurityMetrics metrics) : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.ResetPassword;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller)
    {
        if (caller?.MemberId is not { } memberId)
        {
            // A mode-none API, or a static token bound to no member: there is no own record to act on.
            await SelfServiceHttp.FailAsync(context, SelfServiceStatus.NotFound);
            return;
        }

        var fields = await SelfServiceHttp.ReadStringsAsync(context, "current_password", "new_password");
        if (fields is null)
        {
            return;
        }

        var errors = new List<FieldError>();
        SelfServiceHttp.Require(fields, "current_password", errors);
        SelfServiceHttp.CheckNewPassword(fields["new_password"], "new_password", errors);
        if (errors.Count > 0)
        {
            await RcmsResponse.ValidationAsync(context, errors);
            return;
        }

        var status = SelfServiceStatus.NotFound;
        if (!await SelfServiceHttp.HashingAsync(context, async () => status = await grains.GetGrain<IMemberGrain>(memberId)
                .ChangePasswordAsync(fields["current_password"]!, fields["new_password"]!, SelfServiceHttp.ClientIp(context), caller.LoginId)))
        {
            return;
        }

        if (status != SelfServiceStatus.Ok)
        {
            await SelfServiceHttp.FailAsync(context, status);
            return;
        }

        cache.Forget(memberId);
        metrics.Revoked("password_change");
        await RcmsResponse.OkAsync(context, SelfServiceHttp.Nothing);
    }
}
