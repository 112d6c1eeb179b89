using Microsoft.AspNetCore.Cors.Infrastructure;

namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>
/// Writes the API's CORS headers before anything can refuse the request, so that every answer of an
/// existing API carries them, the 403 of the IP check and every 401, 404, 405 and 429 included: a
/// browser front-end then sees the real status instead of an opaque network error. A preflight is only
/// noted here and answered by <see cref="PreflightStep"/>, after the IP and enabled checks.
/// </summary>
public sealed class CorsStep(ICorsService cors) : IRcmsStep
{
    /// <inheritdoc/>
    public ValueTask<bool> InvokeAsync(RcmsExchange exchange)
    {
        var context = exchange.HttpContext;
        var request = context.Request;
        if (!request.Headers.ContainsKey("Origin"))
        {
            return ValueTask.FromResult(true);
        }

        exchange.IsPreflight = HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method");
        context.Response.Headers.Vary = "Origin";
        if (exchange.Api!.Cors is { } policy)
        {
            cors.ApplyResult(cors.EvaluatePolicy(context, policy), context.Response);
        }

        return ValueTask.FromResult(true);
    }
}
