namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>A disabled API answers 404 on every path, as if it did not exist.</summary>
public sealed class EnabledStep : IRcmsStep
{
    /// <inheritdoc/>
    public ValueTask<bool> InvokeAsync(RcmsExchange exchange) =>
        exchange.Api!.Snapshot.Enabled ? ValueTask.FromResult(true) : NotFound(exchange.HttpContext);

    private static async ValueTask<bool> NotFound(HttpContext context)
    {
        await RcmsResponse.NotFoundAsync(context);
        return false;
    }
}
