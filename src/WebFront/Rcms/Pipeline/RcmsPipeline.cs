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

    /// <summary>
    /// Handles a request whose path is below <c>/rcms-api</c> (the prefix already removed), and counts it. An
    /// exception a step lets escape is answered here in the Kuroco envelope (<see cref="ErrorHandling.AnswerRcmsAsync"/>).
    /// </summary>
    public async Task HandleAsync(HttpContext context)
    {
        var exchange = new RcmsExchange(context);
        try
        {
            foreach (var step in _steps)
            {
                if (!await step.InvokeAsync(exchange))
                {
                    break;
                }
            }
        }
        catch (Exception exception)
        {
            // A client that went away gets no answer (and its cancelled grain call is not an error).
            if (!context.RequestAborted.IsCancellationRequested)
            {
                await ErrorHandling.AnswerRcmsAsync(_logger, context, exception);
            }
        }
        finally
        {
            _metrics.Request(exchange.Api, context.Response.StatusCode);
        }
    }
}
