using ApiSecurity.Grains.Apis;
using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>
/// Cross-site request defence of cookie mode (docs/modes.md, "Cross-site requests"). A browser attaches
/// the session cookie to requests another site makes (always with <c>SameSite=None</c>; with <c>Lax</c>
/// from a sibling subdomain, which is the same site), so on a cookie-mode API every
/// <c>login_challenge</c> and <c>logout</c>, and every request with an unsafe method that carries a
/// session cookie, must come from the API's own origin or an origin in its CORS <c>allow_origins</c>.
/// Browsers send <c>Origin</c> on such requests (and <c>Sec-Fetch-Site</c>); servers and curl send
/// neither and pass. It runs before the credential check, so a refused request changes nothing (not
/// even an auto-login restore).
/// </summary>
public sealed class CrossSiteStep : IRcmsStep
{
    /// <inheritdoc/>
    public ValueTask<bool> InvokeAsync(RcmsExchange exchange) =>
        Refuses(exchange.HttpContext, exchange.Api!, exchange.Endpoint!.Operation) ? Refuse(exchange.HttpContext) : ValueTask.FromResult(true);

    /// <summary>True when the request must be refused with 403.</summary>
    public static bool Refuses(HttpContext context, CompiledApi api, Operation operation)
    {
        if (api.Mode != SecurityMode.Cookie)
        {
            return false;
        }

        var request = context.Request;
        var guarded = operation is Operation.LoginChallenge or Operation.LoginChallengeMfa or Operation.Logout
            || (!IsSafe(request.Method) && SessionCookies.IsPresent(request));
        if (!guarded)
        {
            return false;
        }

        var origin = request.Headers.Origin;
        if (origin.Count > 0)
        {
            var value = origin.ToString();
            return !(IsOwnOrigin(request, value) || api.TrustedOrigins.Contains(value));
        }

        return string.Equals(request.Headers["Sec-Fetch-Site"].ToString(), "cross-site", StringComparison.OrdinalIgnoreCase);
    }

    private static async ValueTask<bool> Refuse(HttpContext context)
    {
        await RcmsResponse.ErrorAsync(context, StatusCodes.Status403Forbidden, RcmsResponse.Codes.Forbidden, "Cross-site request refused");
        return false;
    }

    private static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    private static bool IsOwnOrigin(HttpRequest request, string origin)
    {
        // origin is "scheme://host[:port]"; compare without building the request's own origin string.
        var scheme = request.Scheme;
        var host = request.Host.Value ?? string.Empty;
        return origin.Length == scheme.Length + 3 + host.Length
            && origin.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && origin.AsSpan(scheme.Length, 3).SequenceEqual("://")
            && origin.AsSpan(scheme.Length + 3).Equals(host, StringComparison.OrdinalIgnoreCase);
    }
}
