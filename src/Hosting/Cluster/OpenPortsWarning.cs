using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApiSecurity.Hosting.Cluster;

/// <summary>Logs, at every start of a cluster process without TLS, what its open ports mean.</summary>
internal sealed partial class OpenPortsWarning(ILogger<OpenPortsWarning> logger) : IHostedService
{
    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogOpenPorts(logger);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster ports are not encrypted/authenticated: anyone who can reach them controls the cluster. Set Cluster:Tls:Certificate and Cluster:Tls:Ca on every silo and web front, or keep Silo:AdvertisedIP on a network only the cluster can reach")]
    private static partial void LogOpenPorts(ILogger logger);
}
