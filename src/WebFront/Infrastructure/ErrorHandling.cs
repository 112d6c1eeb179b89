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
        // Only requests outside /rcms-api come here: the /rcms-api branch runs before this middleware and
        // answers its own errors (AnswerRcmsAsync).
        var unavailable = IsUnavailable(exception);
        Log(logger, context, exception);
        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await Results.Problem(statusCode: unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
                title: unavailable ? "Service unavailable" : "Internal error").ExecuteAsync(context);
        }

        return true;
    }

    /// <summary>
    /// Answers an exception that escaped the <c>/rcms-api</c> pipeline with the Kuroco envelope: 503 for Orleans
    /// failures and timeouts (clients retry), 500 otherwise. The pipeline calls it itself, so API requests do not
    /// go through ASP.NET Core's exception-handler middleware (about 2 % of an unsecured API's throughput).
    /// </summary>
    public static async Task AnswerRcmsAsync(ILogger logger, HttpContext context, Exception exception)
    {
        var unavailable = IsUnavailable(exception);
        Log(logger, context, exception);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        await RcmsResponse.ErrorAsync(context, unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
            RcmsResponse.Codes.Unavailable, unavailable ? "The service is temporarily unavailable; retry shortly" : "Internal error");
    }

    private static void Log(ILogger logger, HttpContext context, Exception exception)
    {
        using (RequestLogScope.Begin(logger, context))
        {
            LogUnhandled(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, exception);
        }
    }

    private static bool IsUnavailable(Exception exception) => exception is OrleansException or TimeoutException or TaskCanceledException;

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
