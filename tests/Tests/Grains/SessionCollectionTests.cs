using ApiSecurity.Tests.Infrastructure;
using System.Diagnostics;
using ApiSecurity.Grains;
using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.Hosting;
using ApiSecurity.Hosting.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace ApiSecurity.Tests.Grains;

/// <summary>
/// Idle session grains leave memory after <c>Silo:Collection:SessionAge</c> and their sessions still
/// validate afterwards (re-activated from storage). A one-silo TestCluster configured through the
/// product's own <see cref="SiloConfiguration.ConfigureActivationCollection"/> with short ages.
/// </summary>
public sealed class SessionCollectionTests(SessionCollectionTests.ShortAgeCluster fixture) : IClassFixture<SessionCollectionTests.ShortAgeCluster>
{
    private static readonly TimeSpan SessionAge = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Quantum = TimeSpan.FromSeconds(1);

    // The grains' clock (expiry, idle timeout, last seen); Orleans' collector keeps real time.
    private static readonly FakeTimeProvider GrainClock = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    private static readonly CookiePolicy Cookies = new(IdleTimeout: 1800, Lifetime: 86400, LoginSaveLifetime: 0);

    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public void Settings_ReachOrleansCollectionOptions()
    {
        var silo = (InProcessSiloHandle)Cluster.Primary!;
        var options = silo.SiloHost!.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.Equal(Quantum, options.CollectionQuantum);
        Assert.Equal(TimeSpan.FromMinutes(10), options.CollectionAge);
        Assert.Equal(SessionAge, options.ClassSpecificCollectionAge[typeof(MemberSessionGrain).FullName!]);
        Assert.True(options.EnableActivationSheddingOnMemoryPressure);
        Assert.Equal(85, options.MemoryUsageLimitPercentage);
        Assert.Equal(60, options.MemoryUsageTargetPercentage);
    }

    [Fact]
    public async Task IdleSessionGrain_IsDeactivatedAfterItsAge_AndStillValidatesWithItsLastUseKept()
    {
        var idleId = 7_000_001L;
        var busyId = 7_000_002L;
        var idle = Cluster.GrainFactory.GetGrain<IMemberSessionGrain>(idleId);
        var busy = Cluster.GrainFactory.GetGrain<IMemberSessionGrain>(busyId);
        var idleSession = await idle.StartCookieSessionAsync(Cookies, false, "api", "127.0.0.1");
        var busySession = await busy.StartCookieSessionAsync(Cookies, false, "api", "127.0.0.1");

        // A use 100 s (grain clock) after the login: kept in memory only, written on deactivation.
        GrainClock.Advance(TimeSpan.FromSeconds(100));
        var seenAt = GrainClock.GetUtcNow().ToUnixTimeSeconds();
        Assert.NotNull(await idle.ValidateCookieAsync(Secret(idleSession.Session)));
        var lastCall = Stopwatch.StartNew();
        Assert.True(await IsActiveAsync(idle));

        // The busy member is used every 500 ms; the idle one not at all.
        var deadline = TimeSpan.FromSeconds(30);
        var idleGone = TimeSpan.Zero;
        while (lastCall.Elapsed < deadline)
        {
            Assert.NotNull(await busy.ValidateCookieAsync(Secret(busySession.Session)));
            if (!await IsActiveAsync(idle))
            {
                idleGone = lastCall.Elapsed;
                break;
            }

            await Task.Delay(500);
        }

        Assert.True(idleGone > TimeSpan.Zero, $"the idle session grain was still active {deadline} after its last call");
        Assert.True(idleGone >= SessionAge, $"deactivated after {idleGone}, before its age of {SessionAge}");
        Assert.True(await IsActiveAsync(busy), "the session grain in use was deactivated");

        // Re-activated from storage: the session validates and its last use survived the deactivation.
        var listed = Assert.Single(await idle.ListAsync());
        Assert.Equal(idleSession.LoginId, listed.SessionId);
        Assert.Equal(seenAt, listed.LastSeenAt);
        var check = await idle.ValidateCookieAsync(Secret(idleSession.Session));
        Assert.NotNull(check);
        Assert.Equal(idleSession.LoginId, check.LoginId);
    }

    [Fact]
    public async Task LastUse_IsWrittenByTheGrainItself_OnceTheStoredOneIsAMinuteOld()
    {
        var sessions = Cluster.GrainFactory.GetGrain<IMemberSessionGrain>(7_000_003L);
        var issue = await sessions.StartCookieSessionAsync(Cookies, false, "api", "127.0.0.1");
        var loginAt = GrainClock.GetUtcNow().ToUnixTimeSeconds();

        // 30 s later: kept in memory only, nothing written (validation is read-only).
        GrainClock.Advance(TimeSpan.FromSeconds(30));
        Assert.NotNull(await sessions.ValidateCookieAsync(Secret(issue.Session)));
        Assert.Equal(loginAt, await StoredLastSeenAsync(sessions, issue.LoginId));

        // 61 s after the stored time: the grain queues a write to itself. Read-only calls keep it active
        // meanwhile, so deactivation (which also writes) is not what updates the store.
        GrainClock.Advance(TimeSpan.FromSeconds(31));
        var seenAt = GrainClock.GetUtcNow().ToUnixTimeSeconds();
        Assert.NotNull(await sessions.ValidateCookieAsync(Secret(issue.Session)));
        var waited = Stopwatch.StartNew();
        while (await StoredLastSeenAsync(sessions, issue.LoginId) != seenAt && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await sessions.ListAsync();
            await Task.Delay(100);
        }

        Assert.Equal(seenAt, await StoredLastSeenAsync(sessions, issue.LoginId));
        Assert.True(await IsActiveAsync(sessions), "the grain was deactivated; the write may have come from deactivation");
    }

    private async Task<long> StoredLastSeenAsync(IMemberSessionGrain grain, string loginId)
    {
        var silo = (InProcessSiloHandle)Cluster.Primary!;
        var storage = silo.SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Store);
        var stored = new GrainState<MemberSessionState>();
        await storage.ReadStateAsync("member-session", grain.GetGrainId(), stored);
        return stored.State!.Logins[loginId].LastSeenAt;
    }

    private async Task<bool> IsActiveAsync(IMemberSessionGrain grain)
    {
        var management = Cluster.GrainFactory.GetGrain<IManagementGrain>(0);
        var activations = await management.GetDetailedGrainStatistics();
        return activations.Any(a => a.GrainId == grain.GetGrainId());
    }

    private static string Secret(IssuedToken token)
    {
        Assert.True(SessionToken.TryParse(token.Value, out var parsed));
        return parsed.Secret;
    }

    /// <summary>One silo with the product's collection settings at short ages and in-memory storage.</summary>
    public sealed class ShortAgeCluster : IAsyncLifetime
    {
        public TestCluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Cluster = await TestClusterPorts.DeployAsync(1, builder => builder.AddSiloBuilderConfigurator<SiloConfigurator>());
        }

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Silo:Collection:SessionAge"] = SessionAge.ToString(),
                    ["Silo:Collection:Quantum"] = Quantum.ToString(),
                    ["Silo:Collection:Age"] = "00:10:00",
                    ["Silo:Collection:MemoryLimitPercentage"] = "85",
                    ["Silo:Collection:MemoryTargetPercentage"] = "60",
                })
                .Build();
            silo.ConfigureActivationCollection(configuration);
            silo.AddMemoryGrainStorage(StorageNames.Store);
            silo.Services.AddSingleton<TimeProvider>(GrainClock);
            // Orleans' own clocks fall back to the default TimeProvider; the collector must keep real time.
            silo.Services.AddKeyedSingleton(TimeProviderNames.ActivationManagement, TimeProvider.System);
            silo.Services.AddSingleton<TokenKeyRing>();
        }
    }
}

/// <summary><c>Silo:Collection</c> values that Orleans would refuse are refused at start-up with the key named.</summary>
public sealed class CollectionSettingsTests
{
    [Theory]
    [InlineData("Silo:Collection:SessionAge", "00:00:10", "Silo:Collection:SessionAge")]
    [InlineData("Silo:Collection:Age", "00:00:05", "Silo:Collection:Age")]
    [InlineData("Silo:Collection:MemoryTargetPercentage", "90", "Silo:Collection:MemoryTargetPercentage")]
    [InlineData("Silo:Collection:MemoryLimitPercentage", "120", "Silo:Collection:MemoryLimitPercentage")]
    public void UnusableValue_IsRefused_NamingTheKey(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Silo:Collection:Quantum"] = "00:00:30", [key] = value })
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => configuration.GetSettings<CollectionSettings>(CollectionSettings.Section).Validate());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreValid()
    {
        var settings = new ConfigurationBuilder().Build().GetSettings<CollectionSettings>(CollectionSettings.Section).Validate();
        Assert.Equal(TimeSpan.FromMinutes(2), settings.SessionAge);
        Assert.True(settings.SheddingOnMemoryPressure);
    }
}
