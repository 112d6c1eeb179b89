namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>Finds the endpoint for the path and method: 404 for an unknown path, 405 (with <c>Allow</c>) for another method. HEAD is served by GET.</summary>
public sealed class RouteStep : IRcmsStep
{
    /// <inheritdoc/>
    public ValueTask<bool> InvokeAsync(RcmsExchange exchange)
    {
        var api = exchange.Api!;
        var context = exchange.HttpContext;
        if (!api.EndpointsByText.TryGetValue(exchange.EndpointPathText.Span, out var byMethod))
        {
            return Stop(RcmsResponse.NotFoundAsync(context));
        }

        var method = context.Request.Method;
        if (!byMethod.TryGetValue(method, out var endpoint)
            && !(HttpMethods.IsHead(method) && byMethod.TryGetValue(HttpMethods.Get, out endpoint)))
        {
            context.Response.Headers.Allow = api.AllowHeaders[exchange.EndpointPath];
            return Stop(RcmsResponse.ErrorAsync(context, StatusCodes.Status405MethodNotAllowed, RcmsResponse.Codes.MethodNotAllowed, $"Method {Sanitize(method)} is not allowed here"));
        }

        exchange.Endpoint = endpoint;
        return ValueTask.FromResult(true);
    }

    private static async ValueTask<bool> Stop(Task answer)
    {
        await answer;
        return false;
    }

    private static string Sanitize(string method) => method.Length <= 16 && method.All(char.IsAsciiLetter) ? method : "?";
}
