using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using ApiSecurity.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Hosting;
using Orleans.Runtime;
using Xunit.Abstractions;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Cluster;

/// <summary>
/// The cluster as an operator should run it across machines, as real processes: mutual TLS between
/// silos and web fronts, Redis with a password. A stranger's Orleans client cannot call a grain; a web
/// front that loses the cluster fails closed and recovers; a Redis outage costs only what needs Redis.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class SecureClusterTests(SecureClusterFixture cluster, ITestOutputHelper output) : IClassFixture<SecureClusterFixture>
{
    private ClusterProcesses Processes => cluster.Processes;

    [Fact]
    public async Task ClientWithoutACertificateFromTheClusterCa_CannotCallAGrain_WhileTheWebFrontServes()
    {
        // Given a web front with the cluster's certificate: the whole way works, a dynamic-token request included.
        var admin = cluster.NewAdmin();
        var api = await admin.CreateFullApiAsync("dynamic_token");
        var (_, email, password) = await admin.RegisterMemberAsync();
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = cluster.WebAddress };
        var (access, _, _) = await LoginDynamicAsync(client, api, email, password);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{api}/profile", access)).Status);

        // When strangers' Orleans clients dial the silos' gateways: without TLS, with a self-signed
        // certificate, and with a certificate from another CA; then they cannot call a grain.
        var plain = await CallManagementGrainAsync(null);
        var selfSigned = await CallManagementGrainAsync(cluster.Certificates.Stranger);
        var foreign = await CallManagementGrainAsync(cluster.Certificates.Foreign);
        output.WriteLine($"without TLS: {plain?.GetType().Name}: {plain?.Message}");
        output.WriteLine($"self-signed: {selfSigned?.GetType().Name}: {selfSigned?.Message}");
        output.WriteLine($"another CA: {foreign?.GetType().Name}: {foreign?.Message}");
        Assert.NotNull(plain);
        Assert.NotNull(selfSigned);
        Assert.NotNull(foreign);

        // And the same client with the cluster's certificate gets through: the refusals were the certificates'.
        Assert.Null(await CallManagementGrainAsync(cluster.Certificates.Member));
        Processes.AssertNotLogged(Processes.RedisPassword, cluster.Certificates.Password);
    }

    [Fact]
    public async Task SiloWithACertificateFromAnotherCa_NeverBecomesAnActiveMember()
    {
        // Given a silo that knows the Redis address and password but holds a certificate from another CA.
        var (rogue, _) = Processes.LaunchSilo(7, "--Cluster:Tls:Certificate", cluster.Certificates.ForeignPath, "--Cluster:Tls:Ca", cluster.Certificates.ForeignCaPath);
        try
        {
            // When it tries to join for ten seconds, then the cluster's active members stay the two real silos.
            var rogueAddress = $"127.0.0.1:{Processes.SiloPort(7)}";
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                var active = await ActiveSilosAsync();
                Assert.Equal(2, active.Length);
                Assert.DoesNotContain(active, silo => silo.Contains(rogueAddress, StringComparison.Ordinal));
                await Task.Delay(1000);
            }

            output.WriteLine($"rogue silo: {(rogue.HasExited ? "gave up and exited" : "still trying")} after {clock.Elapsed.TotalSeconds:F0} s");
        }
        finally
        {
            rogue.KillHard();
        }

        // And the web front still serves.
        var admin = cluster.NewAdmin();
        var api = await CreateDocumentApiAsync(admin, "none");
        using var client = new HttpClient { BaseAddress = cluster.WebAddress };
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{api}/content/doc")).Status);
    }

    [Fact]
    public async Task WebFrontThatLostTheCluster_Answers503OnProtectedApis_AndRecoversByItself()
    {
        // Given a web front with a short Security:MaxStaleness (the setting under test) and three APIs.
        var starting = Task.Run(() => Processes.StartWebFront(9, "--Security:MaxStaleness", "00:00:03"));
        var admin = cluster.NewAdmin();
        var staticApi = await CreateDocumentApiAsync(admin, "static_token");
        var (_, token) = await admin.IssueStaticTokenAsync(staticApi);
        var openApi = await CreateDocumentApiAsync(admin, "none");
        var fencedApi = await CreateDocumentApiAsync(admin, "none", "127.0.0.1/32");
        var (front, address) = await starting;
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
            await WaitForAsync(async () => (await GetAsync(client, $"/rcms-api/{staticApi}/content/doc", token)).Status == HttpStatusCode.OK
                && (await GetAsync(client, $"/rcms-api/{fencedApi}/content/doc")).Status == HttpStatusCode.OK
                && (await GetAsync(client, $"/rcms-api/{openApi}/content/doc")).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(5));

            // When every silo freezes (SIGSTOP: sockets stay open, nothing answers).
            var frozen = Stopwatch.StartNew();
            cluster.Silo1.Pause();
            cluster.Silo2.Pause();
            TimeSpan closedAfter;
            try
            {
                await WaitForAsync(async () => (await GetAsync(client, $"/rcms-api/{staticApi}/content/doc", token)).Status != HttpStatusCode.OK, TimeSpan.FromSeconds(10));
                closedAfter = frozen.Elapsed;

                // Then the static-token API and the IP-restricted API answer 503 unavailable; the open API still answers.
                var refused = await GetAsync(client, $"/rcms-api/{staticApi}/content/doc", token);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
                Assert.Equal("unavailable", Code(refused.Body));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, (await GetAsync(client, $"/rcms-api/{fencedApi}/content/doc")).Status);
                Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{openApi}/content/doc")).Status);
            }
            finally
            {
                cluster.Silo1.Resume();
                cluster.Silo2.Resume();
            }

            // And when the silos carry on, the web front serves again by itself.
            var resumed = Stopwatch.StartNew();
            await WaitForAsync(async () => (await GetAsync(client, $"/rcms-api/{staticApi}/content/doc", token)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(20));
            output.WriteLine($"MaxStaleness 3 s: failed closed {closedAfter.TotalSeconds:F1} s after the silos froze; served again {resumed.Elapsed.TotalSeconds:F1} s after they resumed");
            Assert.True(closedAfter >= TimeSpan.FromSeconds(2.5), $"failed closed after {closedAfter.TotalSeconds:F1} s, before the limit");
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{fencedApi}/content/doc")).Status);
        }
        finally
        {
            front.Stop(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task RedisOutage_Answers503OnlyWhereRedisIsNeeded_RecoversWithin10Seconds_AndLosesNothing()
    {
        // Given a dynamic-token API with a logged-in member and a static-token API, all written before the outage.
        var admin = cluster.NewAdmin();
        var dynamicApi = await admin.CreateFullApiAsync("dynamic_token");
        var staticApi = await admin.CreateFullApiAsync("static_token");
        var (_, staticToken) = await admin.IssueStaticTokenAsync(staticApi);
        var (_, email, password) = await admin.RegisterMemberAsync();
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = cluster.WebAddress, Timeout = TimeSpan.FromSeconds(20) };
        var (access, _, _) = await LoginDynamicAsync(client, dynamicApi, email, password);
        var (_, lastToken) = await admin.IssueStaticTokenAsync(staticApi, "issued just before the outage");
        await WaitForAsync(async () => (await GetAsync(client, $"/rcms-api/{staticApi}/content/doc", lastToken)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(3));

        // When redis-server is killed (SIGKILL) under load and restarted on its append-only file six seconds later.
        var clock = Stopwatch.StartNew();
        var down = TimeSpan.FromSeconds(2);
        var up = down + TimeSpan.FromSeconds(6);
        var end = up + TimeSpan.FromSeconds(12);
        TimeSpan? restartedAt = null;
        long lastFailureAt = 0;

        // The load stops 12 s after the restart, or earlier once everything has answered 200 for 3 s.
        bool Running() => clock.Elapsed < end && (restartedAt is not { } restart || clock.Elapsed - restart < TimeSpan.FromSeconds(3) || clock.ElapsedMilliseconds - Volatile.Read(ref lastFailureAt) < 3000);
        var checks = new List<(TimeSpan At, HttpStatusCode Status)>();
        var logins = new List<(TimeSpan At, HttpStatusCode Status, TimeSpan Took)>();
        var checking = Task.Run(async () =>
        {
            while (Running())
            {
                var at = clock.Elapsed;
                var statuses = await Task.WhenAll(
                    StatusAsync(() => GetAsync(client, $"/rcms-api/{dynamicApi}/profile", access)),
                    StatusAsync(() => GetAsync(client, $"/rcms-api/{staticApi}/content/doc", staticToken)));
                lock (checks)
                {
                    checks.AddRange(statuses.Select(s => (at, s)));
                    if (statuses.Any(s => s != HttpStatusCode.OK))
                    {
                        lastFailureAt = clock.ElapsedMilliseconds;
                    }
                }

                await Task.Delay(50);
            }
        });
        var loggingIn = Task.Run(async () =>
        {
            // A login started during the outage may only end after the restart (it waits for Redis): go on until
            // one has also started after the restart, so the logins' recovery is seen (within the same bound).
            bool OneStartedAfterRestart() => restartedAt is { } restart && logins.Any(l => l.At > restart);
            while (Running() || (restartedAt is not null && clock.Elapsed < end && !OneStartedAfterRestart()))
            {
                var at = clock.Elapsed;
                var status = await StatusAsync(() => PostAsync(client, $"/rcms-api/{dynamicApi}/login", new { email, password }));
                lock (checks)
                {
                    logins.Add((at, status, clock.Elapsed - at));
                    if (status != HttpStatusCode.OK)
                    {
                        lastFailureAt = clock.ElapsedMilliseconds;
                    }
                }

                await Task.Delay(100);
            }
        });

        await Task.Delay(down);
        cluster.Redis.KillHard();
        await Task.Delay(up - clock.Elapsed);
        cluster.Redis = Processes.StartRedis("redis-restarted");
        var restarted = clock.Elapsed;
        restartedAt = restarted;
        await Task.WhenAll(checking, loggingIn);

        // Then nothing but 200 and 503 was answered; token checks kept answering from memory; logins came
        // back within 10 s of the restart.
        var all = checks.Select(c => (c.At, c.Status)).Concat(logins.Select(l => (l.At, l.Status))).ToList();
        Assert.All(all, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{(int)r.Status} at {r.At.TotalSeconds:F1} s"));
        var lastFailure = all.Where(r => r.Status != HttpStatusCode.OK).Select(r => r.At).DefaultIfEmpty(TimeSpan.Zero).Max();
        var recovery = lastFailure > restarted ? lastFailure - restarted : TimeSpan.Zero;
        var outage = (From: down, To: restarted);
        var checksDuring = checks.Where(c => c.At >= outage.From && c.At < outage.To).ToList();
        var loginsDuring = logins.Where(l => l.At >= outage.From && l.At < outage.To).ToList();
        output.WriteLine($"Redis down {(outage.To - outage.From).TotalSeconds:F1} s: token checks {checksDuring.Count(c => c.Status == HttpStatusCode.OK)}/{checksDuring.Count} ok; " +
            $"logins {loginsDuring.Count(l => l.Status == HttpStatusCode.ServiceUnavailable)} × 503 of {loginsDuring.Count}, longest {loginsDuring.Select(l => l.Took.TotalSeconds).DefaultIfEmpty(0).Max():F1} s; " +
            $"no failure sent later than {recovery.TotalSeconds:F1} s after the restart; {all.Count(r => r.Status == HttpStatusCode.OK)} ok, {all.Count(r => r.Status != HttpStatusCode.OK)} × 503 in all");
        Assert.True(recovery < TimeSpan.FromSeconds(10), $"requests still failed {recovery.TotalSeconds:F1} s after Redis restarted");
        Assert.Contains(logins, l => l.At > restarted && l.Status == HttpStatusCode.OK);

        // And nothing written before the outage was lost: both static tokens, the member, the session.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{staticApi}/content/doc", lastToken)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{dynamicApi}/profile", access)).Status);
        var tokens = await admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{staticApi}/static-tokens");
        Assert.Equal(2, tokens["static_tokens"]!.AsArray().Count);
        Processes.AssertNotLogged(Processes.RedisPassword, cluster.Certificates.Password);
    }

    /// <summary>An API with one document endpoint (and the token endpoint static mode requires).</summary>
    private static async Task<string> CreateDocumentApiAsync(Admin admin, string mode, params string[] ipRestriction)
    {
        var apiId = Admin.UniqueId("api");
        await admin.CreateApiAsync(apiId);
        await admin.AddDocumentAsync(apiId);
        if (mode == "static_token")
        {
            await admin.AddTokenAsync(apiId);
        }

        await admin.SetSecurityAsync(apiId, mode, ipRestriction);
        return apiId;
    }

    /// <summary>An Orleans client built here, dialling both gateways with <paramref name="certificate"/> (none: plain TCP); null when it could call the management grain.</summary>
    private async Task<Exception?> CallManagementGrainAsync(X509Certificate2? certificate)
    {
        try
        {
            await UsingClientAsync(certificate, async client => Assert.NotEmpty(await client.GetGrain<IManagementGrain>(0).GetHosts(true).WaitAsync(TimeSpan.FromSeconds(10))));
            return null;
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            return ex;
        }
    }

    /// <summary>The active silos, as the cluster's own management grain lists them to a client with the cluster's certificate.</summary>
    private async Task<string[]> ActiveSilosAsync()
    {
        var active = Array.Empty<string>();
        await UsingClientAsync(cluster.Certificates.Member, async client =>
            active = [.. (await client.GetGrain<IManagementGrain>(0).GetHosts(true)).Keys.Select(s => s.ToString())]);
        return active;
    }

    private async Task UsingClientAsync(X509Certificate2? certificate, Func<IClusterClient, Task> use)
    {
        using var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .UseOrleansClient(client =>
            {
                client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, Processes.GatewayPort(1)), new IPEndPoint(IPAddress.Loopback, Processes.GatewayPort(2)));
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = Processes.ClusterId;
                    o.ServiceId = Processes.ClusterId;
                });
                var attempts = 0;
                client.UseConnectionRetryFilter((_, _) => Task.FromResult(++attempts < 3));
                if (certificate is not null)
                {
                    client.UseTls(certificate, o =>
                    {
                        o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
                        o.AllowAnyRemoteCertificate();
                    });
                }
            })
            .Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await host.StartAsync(timeout.Token);
            await use(host.Services.GetRequiredService<IClusterClient>());
        }
        finally
        {
            try
            {
                await host.StopAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // A client that never connected may fail to stop cleanly too; that is not what is tested.
            }
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < limit, $"condition not met within {limit.TotalSeconds:F0} s");
            await Task.Delay(100);
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(Func<Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)>> call)
    {
        try
        {
            return (await call()).Status;
        }
        catch (HttpRequestException)
        {
            return HttpStatusCode.BadGateway;
        }
        catch (TaskCanceledException)
        {
            return HttpStatusCode.GatewayTimeout;
        }
    }
}
