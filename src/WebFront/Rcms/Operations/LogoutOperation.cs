using ApiSecurity.Grains.Apis;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary><c>Authentication / Login / logout</c>: ends the caller's login on the server and expires the cookies.</summary>
public sealed class LogoutOperation(SessionGrains sessions, SessionValidationCache cache, ApiSecurityMetrics metrics) : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.Logout;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller)
    {
        if (caller?.MemberId is { } memberId && caller.LoginId is { } loginId)
        {
            // After the revocation: a validation that read the member's epoch before it is then not trusted.
            await StateConflict.RetryOnceAsync(() => sessions.For(memberId).RevokeAsync(loginId));
            cache.Forget(memberId);
            metrics.Revoked("logout");
        }

        if (request.Api.Mode == SecurityMode.Cookie || !SessionCookies.FindAccess(context.Request).IsEmpty)
        {
            SessionCookies.Expire(context, request.Api.LoginSettings);
        }

        await RcmsResponse.OkAsync(context, _ => { });
    }
}
