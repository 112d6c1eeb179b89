using ApiSecurity.Grains.Security;
using ApiSecurity.Hosting.Cluster;
using ApiSecurity.Hosting.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace ApiSecurity.Hosting;

/// <summary>Configures a web front as an Orleans client of a Redis-clustered set of silos.</summary>
public static class ClientConfiguration
{
    /// <summary>How many times a client retries to reach a gateway before start-up fails.</summary>
    public const int MaxConnectionAttempts = 15;

    /// <summary>Redis clustering, the cluster ids, gateway refresh, and a bounded connection retry.</summary>
    public static IClientBuilder ConfigureApiSecurityClient(this IClientBuilder client, IConfiguration configuration)
    {
        var cluster = configuration.GetSettings<ClusterSettings>(ClusterSettings.Section);
        client.UseRedisClustering(o => o.ConfigurationOptions = RedisConnection.Parse(cluster.Redis!));
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        client.Services.TryAddSingleton<TokenKeyRing>();
        client.UseClusterTls(configuration);

        if (DashboardSetup.IsEnabled(configuration))
        {
            client.AddDashboard();
        }

        var attempts = 0;
        client.UseConnectionRetryFilter(async (exception, cancellationToken) =>
        {
            if (++attempts > MaxConnectionAttempts)
            {
                Console.Error.WriteLine($"error: no silo of cluster '{cluster.ClusterId}' is reachable through Redis after {MaxConnectionAttempts} attempts: {exception.Message}");
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
        return client;
    }
}
