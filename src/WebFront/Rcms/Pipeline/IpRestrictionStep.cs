namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>
/// The API's IP allow-list, checked before everything that follows, so a denied client gets 403 even on
/// an unknown path or without a credential. The address is the connection's, or the one a trusted proxy
/// reported (nothing else: see the forwarded-headers set-up).
/// </summary>
public sealed class IpRestrictionStep : IRcmsStep
{
    /// <inheritdoc/>
    public ValueTask<bool> InvokeAsync(RcmsExchange exchange)
    {
        var context = exchange.HttpContext;
        if (exchange.Api!.IpAllowList.Allows(context.Connection.RemoteIpAddress))
        {
            return ValueTask.FromResult(true);
        }

        return Refuse(context);
    }

    private static async ValueTask<bool> Refuse(HttpContext context)
    {
        await RcmsResponse.ErrorAsync(context, StatusCodes.Status403Forbidden, RcmsResponse.Codes.IpNotAllowed, "Access from your IP address is not allowed");
        return false;
    }
}
