namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>Answers a CORS preflight with 204 and the headers <see cref="CorsStep"/> wrote: no credential is asked for.</summary>
public sealed class PreflightStep : IRcmsStep
{
    /// <inheritdoc/>
    public ValueTask<bool> InvokeAsync(RcmsExchange exchange)
    {
        if (!exchange.IsPreflight)
        {
            return ValueTask.FromResult(true);
        }

        exchange.HttpContext.Response.StatusCode = StatusCodes.Status204NoContent;
        return ValueTask.FromResult(false);
    }
}
