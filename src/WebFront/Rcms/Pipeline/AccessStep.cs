using ApiSecurity.Grains.Members;

namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>
/// GroupAuth: an endpoint with <c>groups</c> serves only members of one of them. Others get 401, as
/// Kuroco answers (its SDK reacts to a 401 by refreshing the token and retrying once).
/// </summary>
public sealed class AccessStep(IGrainFactory grains) : IRcmsStep
{
    /// <inheritdoc/>
    public ValueTask<bool> InvokeAsync(RcmsExchange exchange) =>
        exchange.Endpoint!.GroupRestricted ? CheckAsync(exchange) : ValueTask.FromResult(true);

    private async ValueTask<bool> CheckAsync(RcmsExchange exchange)
    {
        var groups = exchange.Endpoint!.Settings.Groups;
        if (exchange.Authentication.Caller?.MemberId is { } memberId
            && await grains.GetGrain<IMemberGrain>(memberId).GetProfileAsync() is { } profile
            && profile.Groups.Any(g => groups.Contains(g, StringComparer.Ordinal)))
        {
            return true;
        }

        await RcmsResponse.ErrorAsync(exchange.HttpContext, StatusCodes.Status401Unauthorized, RcmsResponse.Codes.Unauthorized, "This endpoint is restricted to member groups you are not in");
        return false;
    }
}
