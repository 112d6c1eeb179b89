using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>
/// <c>Member / Member / delete</c>: the caller deletes itself with its current password. Like an
/// administrator's deletion, every login of the member ends at once (this front forgets what it
/// remembered about them) and its static tokens are revoked.
/// </summary>
public sealed class MemberDeleteOperation(IGrainFactory grains, SessionValidationCache cache, ApiSnapshotCache apis, ApiSecurityMetrics metrics) : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.MemberDelete;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller)
    {
        if (caller?.MemberId is not { } memberId)
        {
            // A mode-none API, or a static token bound to no member: there is no own record to act on.
            await SelfServiceHttp.FailAsync(context, SelfServiceStatus.NotFound);
            return;
        }

        var fields = await SelfServiceHttp.ReadStringsAsync(context, "current_password");
        if (fields is null)
        {
            return;
        }

        var errors = new List<FieldError>();
        SelfServiceHttp.Require(fields, "current_password", errors);
        if (errors.Count > 0)
        {
            await RcmsResponse.ValidationAsync(context, errors);
            return;
        }

        var status = SelfServiceStatus.NotFound;
        if (!await SelfServiceHttp.HashingAsync(context, async () =>
                status = await grains.GetGrain<IMemberGrain>(memberId).DeleteSelfAsync(fields["current_password"]!, SelfServiceHttp.ClientIp(context))))
        {
            return;
        }

        if (status != SelfServiceStatus.Ok)
        {
            await SelfServiceHttp.FailAsync(context, status);
            return;
        }

        // After the deletion: a validation that read the member's logins before it is then not trusted.
        cache.Forget(memberId);
        metrics.Revoked("member");
        await apis.PollAsync();
        if (request.Api.Mode == SecurityMode.Cookie || !SessionCookies.FindAccess(context.Request).IsEmpty)
        {
            SessionCookies.Expire(context, request.Api.LoginSettings);
        }

        await RcmsResponse.OkAsync(context, SelfServiceHttp.Nothing);
    }
}
