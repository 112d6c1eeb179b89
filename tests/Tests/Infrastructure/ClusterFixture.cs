using ApiSecurity.Grains;
using ApiSecurity.Grains.Members;
using ApiSecurity.Grains.Security;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace ApiSecurity.Tests.Infrastructure;

/// <summary>A two-silo TestCluster with in-memory grain storage, shared by the grain tests.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int LockoutAttempts = 3;

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        Cluster = await TestClusterPorts.DeployAsync(2, builder => builder.AddSiloBuilderConfigurator<SiloConfigurator>());
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddMemoryGrainStorage(StorageNames.Store);
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddSingleton<PasswordWork>();
            silo.Services.AddSingleton<TokenKeyRing>();
            silo.Services.Configure<LockoutOptions>(o =>
            {
                o.MaxFailedAttempts = LockoutAttempts;
                o.Duration = TimeSpan.FromHours(1);
            });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
