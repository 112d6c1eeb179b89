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
        var (silo3, silo3Address) = cluster.StartSilo(3);
        var (web1, web1Address) = cluster.StartWebFront(1);
        var (web2, web2Address) = cluster.StartWebFront(2);

        // Without TLS (this cluster has none) the Orleans ports listen on Silo:AdvertisedIP only, and both
        // kinds of process say what an open port means.
        Assert.Contains("Cluster ports are not encrypted/authenticated", cluster.ReadLog("silo1"), StringComparison.Ordinal);
        Assert.Contains("Cluster ports are not encrypted/authenticated", cluster.ReadLog("web1"), StringComparison.Ordinal);
        AssertNotReachableBeyondLoopback(cluster.SiloPort(1));
        AssertNotReachableBeyondLoopback(cluster.GatewayPort(1));

        var issued = await SetUpAsync(web1Address);

        // Configuration made through web1 reaches web2 within a second (its catalog poll); allow that.
        await Task.Delay(1500);
        await AssertEverythingWorksAsync(web2Address, issued);

        // Steady load through both fronts; SIGKILL one silo two seconds in.
        using var client1 = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = web1Address, Timeout = TimeSpan.FromSeconds(5) };
        using var client2 = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = web2Address, Timeout = TimeSpan.FromSeconds(5) };
        var kill = await RunLoadAsync(client1, client2, issued, TimeSpan.FromSeconds(16), silo1.KillHard);
        output.WriteLine($"SIGKILL under load: {kill.Ok} ok, {kill.Failed} failed ({100.0 * kill.Failed / (kill.Ok + kill.Failed):F1} %), no failure after {kill.Recovery.TotalSeconds:F1} s from the kill");
        Assert.True(kill.Recovery < TimeSpan.FromSeconds(10), $"requests still failed {kill.Recovery.TotalSeconds:F1} s after the kill");
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
            // A request sent a second after the answer is refused; the time counted is when it left, not when its answer came.
            var revokedAt = Stopwatch.StartNew();
            var tokenSentAt = TimeSpan.Zero;
            while ((await GetAsync(client2, $"/rcms-api/{issued.StaticApi}/content/doc", extra.Value)).Status == HttpStatusCode.OK)
            {
                Assert.True(tokenSentAt < TimeSpan.FromSeconds(1), $"the revoked token was still accepted by the other web front in a request sent {tokenSentAt.TotalMilliseconds:F0} ms after the revocation");
                await Task.Delay(20);
                tokenSentAt = revokedAt.Elapsed;
            }

            output.WriteLine($"revocation reached the second web front: refused in a request sent {tokenSentAt.TotalMilliseconds:F0} ms after it");

            // The same for a member's sessions, although the second front remembers validations for a moment.
            var member = await new Admin(admin).RegisterMemberAsync();
            var login = await PostAsync(client1, $"/rcms-api/{issued.DynamicApi}/login", new { email = member.Email, password = member.Password });
            var exchange = await PostAsync(client1, $"/rcms-api/{issued.DynamicApi}/token", new { grant_token = login.Body["grant_token"]!.GetValue<string>() });
            var access = exchange.Body["access_token"]!["value"]!.GetValue<string>();
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client2, $"/rcms-api/{issued.DynamicApi}/content/doc", access)).Status);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client2, $"/rcms-api/{issued.DynamicApi}/content/doc", access)).Status);
            Assert.True((await admin.DeleteAsync($"/admin/members/{member.Id}/sessions")).IsSuccessStatusCode);
            // The second front may answer from its memory for Security:SessionCache:Duration (0.5 s), no longer: a
            // request it receives after that is refused, however long the machine takes to serve it.
            var sessionRevokedAt = Stopwatch.StartNew();
            var refusedAfter = TimeSpan.Zero;
            while (sessionRevokedAt.Elapsed < TimeSpan.FromMilliseconds(600))
            {
                var sentAt = sessionRevokedAt.Elapsed;
                if ((await GetAsync(client2, $"/rcms-api/{issued.DynamicApi}/content/doc", access)).Status != HttpStatusCode.OK && refusedAfter == TimeSpan.Zero)
                {
                    refusedAfter = sentAt;
                }

                await Task.Delay(20);
            }

            Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(client2, $"/rcms-api/{issued.DynamicApi}/content/doc", access)).Status);
            output.WriteLine($"session revocation reached the second web front after {refusedAfter.TotalMilliseconds:F0} ms (first refused request sent then)");

            // A rate limit counts once for the whole cluster: two requests through each front use up a limit of 4.
            await new Admin(admin).AddEndpointAsync(issued.StaticApi, "GET", "limited", "Content", "Document", "get",
                new { document = new { a = 1 }, rate_limit = new { limit = 4, window = 3600, key = "endpoint" } });
            await Task.Delay(1000);
            var first = await GetAsync(client1, $"/rcms-api/{issued.StaticApi}/limited", issued.StaticToken);
            if (int.Parse(first.Response.Headers.GetValues("x-rcms-ratelimit-reset").First(), System.Globalization.CultureInfo.InvariantCulture) < 30)
            {
                await Task.Delay(TimeSpan.FromSeconds(31));
                first = await GetAsync(client1, $"/rcms-api/{issued.StaticApi}/limited", issued.StaticToken);
            }

            Assert.Equal(HttpStatusCode.OK, first.Status);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client2, $"/rcms-api/{issued.StaticApi}/limited", issued.StaticToken)).Status);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client1, $"/rcms-api/{issued.StaticApi}/limited", issued.StaticToken)).Status);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client2, $"/rcms-api/{issued.StaticApi}/limited", issued.StaticToken)).Status);
            Assert.Equal((HttpStatusCode)429, (await GetAsync(client2, $"/rcms-api/{issued.StaticApi}/limited", issued.StaticToken)).Status);
            Assert.Equal((HttpStatusCode)429, (await GetAsync(client1, $"/rcms-api/{issued.StaticApi}/limited", issued.StaticToken)).Status);
        }

        // A graceful shutdown (SIGTERM) of a silo under load loses no request: its grains move first.
        var drain = await RunLoadAsync(client1, client2, issued, TimeSpan.FromSeconds(12), () => silo2.Stop(TimeSpan.FromSeconds(30)));
        output.WriteLine($"SIGTERM under load: {drain.Ok} ok, {drain.Failed} failed");
        Assert.Equal(0, drain.Failed);
        await AssertEverythingWorksAsync(web1Address, issued);

        // The dashboard of a silo is served behind the admin credential.
        using (var dashboard = new HttpClient { BaseAddress = silo3Address })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await dashboard.GetAsync("/dashboard/")).StatusCode);
            dashboard.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("admin:" + ClusterProcesses.AdminToken)));
            var page = await dashboard.GetAsync("/dashboard/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Orleans Dashboard", await page.Content.ReadAsStringAsync());
        }

        // Stop everything, Redis included (SIGKILL: only what AOF holds survives), then start again.
        web1.Stop(TimeSpan.FromSeconds(20));
        web2.Stop(TimeSpan.FromSeconds(20));
        silo3.Stop(TimeSpan.FromSeconds(30));
        redis.KillHard();

        cluster.StartRedis("redis-restarted");
        cluster.StartSilo(4);
        cluster.StartSilo(5);
        var (_, web3Address) = cluster.StartWebFront(3);
        await AssertEverythingWorksAsync(web3Address, issued);
    }

    private static void AssertNotReachableBeyondLoopback(int port)
    {
        var addresses = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        foreach (var address in addresses)
        {
            using var socket = new System.Net.Sockets.TcpClient();
            Assert.Throws<System.Net.Sockets.SocketException>(() => socket.Connect(address, port));
        }
    }

    private sealed record LoadResult(int Ok, int Failed, TimeSpan Recovery);

    /// <summary>
    /// Steady authenticated load through both fronts for <paramref name="duration"/>; <paramref name="disrupt"/> runs two
    /// seconds in. Recovery is measured to the sending of the last request that failed.
    /// </summary>
    private static async Task<LoadResult> RunLoadAsync(HttpClient client1, HttpClient client2, Issued issued, TimeSpan duration, Action disrupt)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? disruptedAt = null;
        Task? disruption = null;
        var lastFailure = TimeSpan.Zero;
        int ok = 0, failed = 0;
        while (clock.Elapsed < duration)
        {
            if (disruptedAt is null && clock.Elapsed > TimeSpan.FromSeconds(2))
            {
                disruptedAt = clock.Elapsed;
                disruption = Task.Run(disrupt);
            }

            var sentAt = clock.Elapsed;
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
                    lastFailure = sentAt;
                }
            }

            await Task.Delay(20);
        }

        await disruption!;
        return new LoadResult(ok, failed, lastFailure > disruptedAt!.Value ? lastFailure - disruptedAt.Value : TimeSpan.Zero);
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
