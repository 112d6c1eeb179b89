using System.Security.Claims;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary><c>Authentication / Login / logout</c>: ends the caller's login on the server and expires the cookies.</summary>
public sealed class LogoutOperation(IGrainFactory grains) : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.Logout;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, ClaimsPrincipal? caller)
    {
        if (caller?.GetMemberId() is { } memberId && caller.GetLoginId() is { } loginId)
        {
            await StateConflict.RetryOnceAsync(() => grains.GetGrain<IMemberSessionGrain>(memberId).RevokeAsync(loginId));
        }

        if (request.Api.Mode == SecurityMode.Cookie || SessionCookies.ReadAccess(context.Request) is not null)
        {
            SessionCookies.Expire(context, request.Api.LoginSettings);
        }

        await RcmsResponse.OkAsync(context, _ => { });
    }
}
