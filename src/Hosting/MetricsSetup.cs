using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace ApiSecurity.Hosting;

/// <summary>OpenTelemetry metrics of a host, exported in Prometheus text format at <c>/metrics</c>.</summary>
public static class MetricsSetup
{
    /// <summary>The meter of the product's own instruments.</summary>
    public const string MeterName = "ApiSecurity";

    /// <summary>Collects the product's meter (and Orleans' on silos) for the Prometheus exporter.</summary>
    public static IServiceCollection AddApiSecurityMetrics(this IServiceCollection services, bool includeOrleans)
    {
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(MeterName);
            if (includeOrleans)
            {
                metrics.AddMeter("Microsoft.Orleans");
            }

            metrics.AddPrometheusExporter();
        });
        return services;
    }

    /// <summary>Serves the scrape endpoint at <c>/metrics</c>.</summary>
    public static IEndpointConventionBuilder MapApiSecurityMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
}
