using ApiSecurity.WebFront.Infrastructure;

namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>
/// The way of a request below <c>/rcms-api</c>: <see cref="Steps"/> in order, each a singleton that
/// either lets the request go on or answers it. Adding a step is one class and one line of the list.
/// </summary>
public sealed class RcmsPipeline
{
    /// <summary>The steps, in the order they run.</summary>
    public static readonly IReadOnlyList<Type> Steps =
    [
        typeof(ResolveApiStep),     // 404 unknown API
        typeof(CorsStep),           // CORS headers on every answer from here on
        typeof(StalenessStep),      // 503 unavailable when the cluster has not been heard from for too long
        typeof(IpRestrictionStep),  // 403 ip_not_allowed, before anything else about the API
        typeof(EnabledStep),        // 404 disabled API
        typeof(PreflightStep),      // 204 preflight, without credential
        typeof(RouteStep),          // 404 unknown path, 405 other method
        typeof(RateLimitStep),      // 429 rate_limited
        typeof(CrossSiteStep),      // 403 cross-site cookie request
        typeof(CredentialStep),     // 401 missing or invalid credential
        typeof(AccessStep),         // 401 member outside the endpoint's groups
        typeof(OperationStep),      // the operation answers
    ];

    private readonly IRcmsStep[] _steps;
    private readonly ApiSecurityMetrics _metrics;
    private readonly ILogger _logger;

    /// <summary>Builds the pipeline from the registered steps.</summary>
    public RcmsPipeline(IServiceProvider services, ApiSecurityMetrics metrics, ILogger<ErrorHandling> logger)
    {
        _steps = [.. Steps.Select(t => (IRcmsStep)services.GetRequiredService(t))];
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Registers the pipeline and its steps as singletons.</summary>
    public static void Register(IServiceCollection services)
    {
        foreach (var step in Steps)
        {
            services.AddSingleton(step);
        }

        services.AddSingleton<RcmsPipeline>();
    }

    [ThreadStatic]
    private static RcmsExchange? t_spare;

    /// <summary>
    /// Handles a request whose path is below <c>/rcms-api</c> (the prefix already removed), and counts it. An
    /// exception a step lets escape is answered here in the Kuroco envelope (<see cref="ErrorHandling.AnswerRcmsAsync"/>).
    /// </summary>
    public Task HandleAsync(HttpContext context)
    {
        var exchange = t_spare ?? new RcmsExchange();
        t_spare = null;
        exchange.Start(context);
        for (var i = 0; i < _steps.Length; i++)
        {
            ValueTask<bool> step;
            try
            {
                step = _steps[i].InvokeAsync(exchange);
            }
            catch (Exception exception)
            {
                return FailAsync(exchange, exception);
            }

            if (!step.IsCompletedSuccessfully)
            {
                return ContinueAsync(exchange, step, i);
            }

            if (!step.Result)
            {
                break;
            }
        }

        Finish(exchange);
        t_spare = exchange;
        return Task.CompletedTask;
    }

    private async Task ContinueAsync(RcmsExchange exchange, ValueTask<bool> pending, int index)
    {
        try
        {
            var goOn = await pending;
            for (var i = index + 1; goOn && i < _steps.Length; i++)
            {
                goOn = await _steps[i].InvokeAsync(exchange);
            }
        }
        catch (Exception exception)
        {
            await FailAsync(exchange, exception);
            return;
        }

        Finish(exchange);
    }

    private async Task FailAsync(RcmsExchange exchange, Exception exception)
    {
        var context = exchange.HttpContext;
        try
        {
            // A client that went away gets no answer (and its cancelled grain call is not an error).
            if (!context.RequestAborted.IsCancellationRequested)
            {
                await ErrorHandling.AnswerRcmsAsync(_logger, context, exception);
            }
        }
        finally
        {
            Finish(exchange);
        }
    }

    private void Finish(RcmsExchange exchange)
    {
        _metrics.Request(exchange.Api, exchange.HttpContext.Response.StatusCode);
        exchange.Clear();
    }
}
