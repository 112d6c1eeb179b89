using System.Diagnostics;
using ApiSecurity.Tests.Infrastructure;
using Xunit.Abstractions;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Cluster;

/// <summary>
/// The cluster with real processes: Redis, silos and web fronts. A silo killed with SIGKILL under
/// steady authenticated load loses no login, and a full stop and start of everything (Redis
/// included) keeps members, APIs, static tokens and sessions.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class ClusterFailoverTests(ITestOutputHelper output)
{
    private sealed record Issued(string DynamicApi, string CookieApi, string StaticApi, string Access, string Cookie, string StaticToken, string Email, string Password);

    private static async Task<Issued> SetUpAsync(Uri web)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = web };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ClusterProcesses.AdminToken);
        var admin = new Admin(http);
        var dynamicApi = await admin.CreateFullApiAsync("dynamic_token");
        var cookieApi = await admin.CreateFullApiAsync("cookie");
        var staticApi = await admin.CreateFullApiAsync("static_token");
        var (_, staticToken) = await admin.IssueStaticTokenAsync(staticApi);
        var (_, email, password) = await admin.RegisterMemberAsync();
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = web };
        var (access, _, _) = await LoginDynamicAsync(client, dynamicApi, email, password);
        var (cookie, _) = await LoginCookieAsync(client, cookieApi, email, password);
        return new Issued(dynamicApi, cookieApi, staticApi, access, cookie, staticToken, email, password);
    }

    private static async Task AssertEverythingWorksAsync(Uri web, Issued issued)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = web };
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{issued.DynamicApi}/profile", issued.Access)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{issued.CookieApi}/profile", cookie: issued.Cookie)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{issued.StaticApi}/content/doc", issued.StaticToken)).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"/rcms-api/{issued.DynamicApi}/login", new { email = issued.Email, password = issued.Password })).Status);
    }

    [Fact]
    public async Task KilledSilo_LosesNoLogin_AndFullRestart_KeepsEverything()
    {
        using var cluster = new ClusterProcesses();
        var redis = cluster.StartRedis();
        var (silo1, _) = cluster.StartSilo(1);
        var (silo2, _) = cluster.StartSilo(2);
        var (silo3, _) = cluster.StartSilo(3);
        var (web1, web1Address) = cluster.StartWebFront(1);
        var (web2, web2Address) = cluster.StartWebFront(2);

        var issued = await SetUpAsync(web1Address);
        await AssertEverythingWorksAsync(web2Address, issued);

        // Steady load through both fronts; SIGKILL one silo two seconds in.
        using var client1 = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = web1Address, Timeout = TimeSpan.FromSeconds(5) };
        using var client2 = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = web2Address, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        TimeSpan? killedAt = null;
        TimeSpan lastFailure = TimeSpan.Zero;
        int ok = 0, failed = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(16))
        {
            if (killedAt is null && clock.Elapsed > TimeSpan.FromSeconds(2))
            {
                silo1.KillHard();
                killedAt = clock.Elapsed;
            }

            var batch = new[]
            {
                SafeStatusAsync(() => GetAsync(client1, $"/rcms-api/{issued.DynamicApi}/profile", issued.Access)),
                SafeStatusAsync(() => GetAsync(client2, $"/rcms-api/{issued.CookieApi}/profile", cookie: issued.Cookie)),
                SafeStatusAsync(() => GetAsync(client1, $"/rcms-api/{issued.StaticApi}/content/doc", issued.StaticToken)),
            };
            foreach (var status in await Task.WhenAll(batch))
            {
                if (status == HttpStatusCode.OK)
                {
                    ok++;
                }
                else
                {
                    failed++;
                    lastFailure = clock.Elapsed;
                }
            }

            await Task.Delay(20);
        }

        var recovery = lastFailure > killedAt!.Value ? lastFailure - killedAt.Value : TimeSpan.Zero;
        output.WriteLine($"failover: {ok} ok, {failed} failed ({100.0 * failed / (ok + failed):F1} %), no failure after {recovery.TotalSeconds:F1} s from the kill");
        Assert.True(recovery < TimeSpan.FromSeconds(10), $"requests still failed {recovery.TotalSeconds:F1} s after the kill");
        await AssertEverythingWorksAsync(web1Address, issued);
        await AssertEverythingWorksAsync(web2Address, issued);

        // A revocation made through one front reaches the other within a second.
        using (var admin = new HttpClient { BaseAddress = web1Address })
        {
            admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ClusterProcesses.AdminToken);
            var extra = await new Admin(admin).IssueStaticTokenAsync(issued.StaticApi, "to revoke");
            await Task.Delay(1500);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client2, $"/rcms-api/{issued.StaticApi}/content/doc", extra.Value)).Status);
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/apis/{issued.StaticApi}/static-tokens/{extra.Id}")).StatusCode);
            var revokedAt = Stopwatch.StartNew();
            while ((await GetAsync(client2, $"/rcms-api/{issued.StaticApi}/content/doc", extra.Value)).Status == HttpStatusCode.OK)
            {
                Assert.True(revokedAt.Elapsed < TimeSpan.FromSeconds(1), "revocation did not reach the other web front within 1 s");
                await Task.Delay(20);
            }

            output.WriteLine($"revocation reached the second web front after {revokedAt.Elapsed.TotalMilliseconds:F0} ms");
        }

        // Stop everything, Redis included (SIGKILL: only what AOF holds survives), then start again.
        web1.Stop(TimeSpan.FromSeconds(20));
        web2.Stop(TimeSpan.FromSeconds(20));
        silo2.Stop(TimeSpan.FromSeconds(30));
        silo3.Stop(TimeSpan.FromSeconds(30));
        redis.KillHard();

        cluster.StartRedis();
        cluster.StartSilo(4);
        cluster.StartSilo(5);
        var (_, web3Address) = cluster.StartWebFront(3);
        await AssertEverythingWorksAsync(web3Address, issued);
    }

    private static async Task<HttpStatusCode> SafeStatusAsync(Func<Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)>> call)
    {
        try
        {
            return (await call()).Status;
        }
        catch (HttpRequestException)
        {
            return HttpStatusCode.ServiceUnavailable;
        }
        catch (TaskCanceledException)
        {
            return HttpStatusCode.GatewayTimeout;
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterProcessCollection
{
    public const string Name = "cluster processes";
}
