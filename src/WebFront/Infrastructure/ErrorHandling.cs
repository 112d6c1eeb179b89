using ApiSecurity.WebFront.Rcms;
using Microsoft.AspNetCore.Diagnostics;

namespace ApiSecurity.WebFront.Infrastructure;

/// <summary>
/// The last line: an unexpected exception becomes a JSON error without a stack trace (Kuroco
/// envelope under <c>/rcms-api</c>, problem details elsewhere). Orleans failures (no silo
/// reachable, timeouts) are reported as 503 so clients retry.
/// </summary>
public sealed partial class ErrorHandling(ILogger<ErrorHandling> logger) : IExceptionHandler
{
    /// <inheritdoc/>
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var unavailable = exception is OrleansException or TimeoutException or TaskCanceledException;
        var status = unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        LogUnhandled(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, exception);
        if (context.Response.HasStarted)
        {
            return true;
        }

        context.Response.Clear();
        if (context.Request.Path.StartsWithSegments("/rcms-api"))
        {
            await RcmsResponse.ErrorAsync(context, status, RcmsResponse.Codes.Unavailable,
                unavailable ? "The service is temporarily unavailable; retry shortly" : "Internal error");
        }
        else
        {
            await Results.Problem(statusCode: status, title: unavailable ? "Service unavailable" : "Internal error").ExecuteAsync(context);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
