using System.Net;
using ApiSecurity.Grains;
using ApiSecurity.Grains.Members;
using ApiSecurity.Hosting.Configuration;
using ApiSecurity.Hosting.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace ApiSecurity.Hosting;

/// <summary>Configures a silo for this product: clustering, storage, timeouts and domain options.</summary>
public static class SiloConfiguration
{
    /// <summary>
    /// Embedded (no <c>Cluster:Redis</c>): localhost clustering and SQLite in <c>Storage:Directory</c>.
    /// Cluster: Redis clustering and Redis grain storage.
    /// </summary>
    public static ISiloBuilder ConfigureApiSecuritySilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var endpoints = configuration.GetSection(SiloSettings.Section).Get<SiloSettings>() ?? new SiloSettings();
        var storage = configuration.GetSection(StorageSettings.Section).Get<StorageSettings>() ?? new StorageSettings();

        if (cluster.UsesRedis)
        {
            throw new NotSupportedException("Cluster:Redis is not supported by this build yet; unset it to run embedded.");
        }

        silo.UseLocalhostClustering(endpoints.Port, endpoints.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
        silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Loopback);
        silo.AddSqliteGrainStorage(StorageNames.Store, storage.ResolveDirectory());

        silo.Services.AddSingleton(TimeProvider.System);
        silo.Services.Configure<LockoutOptions>(configuration.GetSection(LockoutOptions.Section));
        silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromMinutes(30));
        return silo;
    }
}
