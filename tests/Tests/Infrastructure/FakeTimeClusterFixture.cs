using ApiSecurity.Grains;
using ApiSecurity.Grains.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace ApiSecurity.Tests.Infrastructure;

/// <summary>
/// A one-silo TestCluster whose grains read a <see cref="FakeTimeProvider"/>, for behaviour that depends
/// on time (expiry, idle timeout, rotation leeway) without sleeping. The silo runs in this process, so the
/// test moves the same clock the grains read.
/// </summary>
public sealed class FakeTimeClusterFixture : IAsyncLifetime
{
    // One clock per process: the silo configurator is created by type, so it cannot be handed an instance.
    private static readonly FakeTimeProvider SharedTime = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public FakeTimeProvider Time => SharedTime;

    public async Task InitializeAsync()
    {
        Cluster = await TestClusterPorts.DeployAsync(1, builder => builder.AddSiloBuilderConfigurator<SiloConfigurator>());
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddMemoryGrainStorage(StorageNames.Store);
            silo.Services.AddSingleton<TimeProvider>(SharedTime);
            silo.Services.AddSingleton<TokenKeyRing>();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FakeTimeClusterCollection : ICollectionFixture<FakeTimeClusterFixture>
{
    public const string Name = "cluster with fake time";
}
