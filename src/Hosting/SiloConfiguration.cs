using System.Net;
using ApiSecurity.Grains;
using ApiSecurity.Grains.Members;
using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.Hosting.Cluster;
using ApiSecurity.Hosting.Configuration;
using ApiSecurity.Hosting.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Persistence;
using Orleans.Serialization;
using Orleans.Storage;

namespace ApiSecurity.Hosting;

/// <summary>Configures a silo for this product: clustering, storage, timeouts and domain options.</summary>
public static class SiloConfiguration
{
    /// <summary>
    /// Embedded (no <c>Cluster:Redis</c>): localhost clustering and SQLite in <c>Storage:Directory</c>.
    /// Cluster (<c>Cluster:Redis</c> set): Redis clustering, Redis grain storage (Orleans binary
    /// serializer), the configured endpoints, and membership timeouts tuned for fast failover.
    /// </summary>
    public static ISiloBuilder ConfigureApiSecuritySilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetSettings<ClusterSettings>(ClusterSettings.Section);
        var endpoints = configuration.GetSettings<SiloSettings>(SiloSettings.Section);
        var storage = configuration.GetSettings<StorageSettings>(StorageSettings.Section);

        if (cluster.UsesRedis)
        {
            silo.UseRedisClustering(o => o.ConfigurationOptions = RedisConnection.Parse(cluster.Redis!));
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            // Without TLS the ports listen on the advertised address only; with it, on every interface (the
            // address peers dial may be a NAT's), since a process without a certificate from the CA is refused.
            var tls = silo.UseClusterTls(configuration);
            silo.ConfigureEndpoints(endpoints.ResolveAdvertisedIP(), endpoints.Port, endpoints.GatewayPort, listenOnAnyHostAddress: tls);
            silo.AddRedisGrainStorage(StorageNames.Store, (OptionsBuilder<RedisStorageOptions> options) =>
                options.Configure<IServiceProvider>((o, services) =>
                {
                    o.ConfigurationOptions = RedisConnection.Parse(cluster.Redis!);
                    o.DeleteStateOnClear = false;
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
                }));

            // Detect a dead silo in a few seconds rather than the default minute, so its grains move fast.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            });
        }
        else
        {
            silo.UseLocalhostClustering(endpoints.Port, endpoints.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
            silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Loopback);
            silo.AddSqliteGrainStorage(StorageNames.Store, storage.ResolveDirectory());
        }

        if (DashboardSetup.IsEnabled(configuration))
        {
            silo.AddDashboard();
        }

        silo.Services.AddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<TokenKeyRing>();
        silo.Services.Configure<LockoutOptions>(configuration.GetSection(LockoutOptions.Section));
        silo.Services.Configure<PasswordHashingOptions>(configuration.GetSection(PasswordHashingOptions.Section));
        silo.Services.AddSingleton<PasswordWork>();
        silo.ConfigureActivationCollection(configuration);
        return silo;
    }

    /// <summary>
    /// Idle grains leave memory on a schedule and under memory pressure (<see cref="CollectionSettings"/>,
    /// section <c>Silo:Collection</c>): member-session grains after <see cref="CollectionSettings.SessionAge"/>,
    /// every other grain after <see cref="CollectionSettings.Age"/>; above the memory limit the longest-idle
    /// grains go first.
    /// </summary>
    public static ISiloBuilder ConfigureActivationCollection(this ISiloBuilder silo, IConfiguration configuration)
    {
        var settings = configuration.GetSettings<CollectionSettings>(CollectionSettings.Section).Validate();
        silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionQuantum = settings.Quantum;
            o.CollectionAge = settings.Age;
            // Keyed by the grain class's full name. Not a [CollectionAgeLimit] attribute on the class: Orleans
            // lets the attribute win over options, and this age must stay configurable.
            o.ClassSpecificCollectionAge[typeof(MemberSessionGrain).FullName!] = settings.SessionAge;
            o.EnableActivationSheddingOnMemoryPressure = settings.SheddingOnMemoryPressure;
            o.MemoryUsageLimitPercentage = settings.MemoryLimitPercentage;
            o.MemoryUsageTargetPercentage = settings.MemoryTargetPercentage;
            o.MemoryUsagePollingPeriod = settings.MemoryPollingPeriod;
        });
        return silo;
    }
}
