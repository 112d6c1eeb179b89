using ApiSecurity.Grains.Apis;
using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary><c>Member / Member / me</c>: the caller's own record, answered as <c>Login / profile</c> is.</summary>
public sealed class MemberMeOperation(IGrainFactory grains) : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.MemberMe;

    /// <inheritdoc/>
    public Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller) => ProfileOperation.AnswerAsync(grains, context, caller);
}
