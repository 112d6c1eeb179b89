using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ApiSecurity.Grains;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace ApiSecurity.Bench;

/// <summary>
/// What the number of APIs costs (<c>bench/run catalog 1 1000 10000 100000</c>): a cluster of Redis,
/// one silo and two web fronts (Orleans clients, so every catalog answer crosses the wire). APIs are
/// created through web front A's admin API up to each count; then, on web front B after it has served
/// every API once (all snapshots loaded): RSS, the latency of one API under wrk, what one admin change
/// made through A costs (bytes Redis receives, bytes B reads from its sockets, both net of an idle
/// window of the same length), how long until B serves the change, and the silo's CPU while nothing
/// changes (the catalog's reconciliation).
/// </summary>
public static class CatalogScale
{
    private const string Probe = "scale-probe";
    private const string Flip = "scale-flip";

    public static async Task<string> RunAsync(string root, Wrk wrk, IReadOnlyList<int> counts, int concurrency, int changes, TimeSpan duration, string command, bool seed = false)
    {
        var work = Path.Combine(Path.GetTempPath(), "apisec-catalog-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
        using var cluster = new Deployment(root, work);
        Console.WriteLine("catalog: Redis, 1 silo, 2 web fronts");
        var (_, redis) = await cluster.StartRedisAsync();
        var seeded = 0;
        if (seed)
        {
            // --seed: the largest count is written straight to storage before any silo starts (the catalog's list as one
            // record, as versions before the bucketed catalog kept it), for a design whose admin API cannot create that many in time.
            seeded = counts.Max();
            counts = [seeded];
            var seeding = Stopwatch.StartNew();
            await SeedAsync(redis, seeded, Path.Combine(work, "seed"));
            Console.WriteLine($"  seeded {seeded:N0} APIs in storage in {seeding.Elapsed.TotalSeconds:N0} s");
        }

        var (silo, _) = await cluster.StartSiloAsync(1, redis);
        var (_, frontA) = await cluster.StartClientFrontAsync(1, redis);
        var (processB, frontB) = await cluster.StartClientFrontAsync(2, redis);
        using var admin = BenchSetup.Client(frontA, admin: true);
        using var clientB = BenchSetup.Client(frontB);
        admin.Timeout = clientB.Timeout = TimeSpan.FromMinutes(5);
        var setupClock = Stopwatch.StartNew();

        var document = new { details = new { subject = "scale" } };
        foreach (var api in new[] { Probe, Flip })
        {
            await BenchSetup.OkAsync(admin, HttpMethod.Put, $"/admin/apis/{api}", new { name = api });
            await BenchSetup.OkAsync(admin, HttpMethod.Post, $"/admin/apis/{api}/endpoints",
                new { method = "GET", path = "content", category = "Content", model = "Document", operation = "get", settings = new { document } });
        }

        await WaitStatusAsync(clientB, $"/rcms-api/{Flip}/content", HttpStatusCode.OK, TimeSpan.FromSeconds(120));
        Console.WriteLine($"  the first 4 admin changes (2 APIs with an endpoint each) took {setupClock.Elapsed.TotalSeconds:N1} s and reached front B");
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Catalog scale run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"- command: `{command}`; Redis + 1 silo + 2 web fronts (Orleans clients); APIs created through front A's admin API, {concurrency} concurrent");
        report.AppendLine(CultureInfo.InvariantCulture, $"- per count: front B serves every API once (all snapshots loaded), then wrk ({wrk.Connections} connections, {duration.TotalSeconds:N0} s) on one API through B; " +
            $"{changes} admin changes through A (enable/disable one API, one a second): bytes Redis received and bytes front B read, each net of an idle window of the same length; propagation = until B serves the change");
        report.AppendLine("- one shared 2-core machine: ratios are noisy");
        report.AppendLine();
        report.AppendLine("| APIs | creation (APIs/s) | front B RSS | probe req/s | p50 | p99 | Redis bytes per change | bytes to front B per change | front B bytes/s idle | propagation p50 / max | silo CPU idle |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");

        var created = Math.Max(2, seeded);
        var touched = 0;
        foreach (var target in counts.Order())
        {
            var clock = Stopwatch.StartNew();
            var from = created;
            if (target > created)
            {
                await Parallel.ForEachAsync(Enumerable.Range(created, target - created), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
                    await BenchSetup.OkAsync(admin, HttpMethod.Put, $"/admin/apis/{Name(i)}", new { name = "scale" }));
                created = target;
            }

            var rate = created > from ? (created - from) / clock.Elapsed.TotalSeconds : double.NaN;
            Console.WriteLine($"  {created:N0} APIs ({rate:N0}/s); loading every snapshot on front B");
            var loading = Stopwatch.StartNew();
            var refused = 0;
            await Parallel.ForEachAsync(Enumerable.Range(Math.Max(2, touched), Math.Max(0, created - Math.Max(2, touched))), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
            {
                // A 503 (the snapshot could not be fetched in time, as while a cold silo activates every API) is counted and retried.
                for (var attempt = 1; ; attempt++)
                {
                    using var response = await clientB.GetAsync($"/rcms-api/{Name(i)}/none");
                    if (response.StatusCode == HttpStatusCode.NotFound)
                    {
                        return;
                    }

                    if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 20)
                    {
                        throw new InvalidOperationException($"API {Name(i)} on front B → {(int)response.StatusCode}");
                    }

                    Interlocked.Increment(ref refused);
                    await Task.Delay(500);
                }
            });
            touched = created;
            Console.WriteLine($"  front B served {created:N0} APIs once in {loading.Elapsed.TotalSeconds:N0} s ({refused:N0} answers 503, retried)");
            await Task.Delay(TimeSpan.FromSeconds(3));
            var rss = processB.ResidentBytes();

            var load = await wrk.RunAsync(new Uri(frontB, $"/rcms-api/{Probe}/content"), duration);
            Console.WriteLine($"  probe: {load.RequestsPerSecond:N0} req/s, p50 {load.P50 / 1000:N2} ms, p99 {load.P99 / 1000:N2} ms");

            // Idle window, then the same length with one change a second: the difference is what the changes cost.
            var window = TimeSpan.FromSeconds(changes);
            var (idleRedis, idleFront, idleCpu) = await WindowAsync(redis, processB.Id, silo.Id, window, () => Task.Delay(window));
            var enabled = true;
            var (busyRedis, busyFront, _) = await WindowAsync(redis, processB.Id, silo.Id, window, async () =>
            {
                for (var i = 0; i < changes; i++)
                {
                    var second = Task.Delay(TimeSpan.FromSeconds(1));
                    enabled = !enabled;
                    await BenchSetup.OkAsync(admin, HttpMethod.Put, $"/admin/apis/{Flip}", new { enabled });
                    await second;
                }
            });

            // Propagation, in its own window (the polling requests would count as bytes above).
            var delays = new List<double>();
            for (var i = 0; i < changes; i++)
            {
                enabled = !enabled;
                var sent = Stopwatch.StartNew();
                await BenchSetup.OkAsync(admin, HttpMethod.Put, $"/admin/apis/{Flip}", new { enabled });
                await WaitStatusAsync(clientB, $"/rcms-api/{Flip}/content", enabled ? HttpStatusCode.OK : HttpStatusCode.NotFound, TimeSpan.FromSeconds(30));
                delays.Add(sent.Elapsed.TotalMilliseconds);
                await Task.Delay(300);
            }

            delays.Sort();
            var redisPerChange = (busyRedis - idleRedis) / (double)changes;
            var frontPerChange = (busyFront - idleFront) / (double)changes;
            var line = $"| {created:N0} | {rate:N0} | {rss / 1024.0 / 1024:N0} MiB | {load.RequestsPerSecond:N0} | {load.P50 / 1000:N2} ms | {load.P99 / 1000:N2} ms | " +
                $"{Bytes(redisPerChange)} | {Bytes(frontPerChange)} | {Bytes(idleFront / window.TotalSeconds)}/s | {delays[delays.Count / 2]:N0} / {delays[^1]:N0} ms | {idleCpu:P0} |";
            Console.WriteLine(line);
            report.AppendLine(line);
        }

        report.AppendLine();
        report.AppendLine("Bytes per change are net of an idle window and can come out slightly negative when the change costs less than the noise.");
        return report.ToString();
    }

    /// <summary>Writes <paramref name="count"/> APIs (ids as <see cref="Name"/>, mode none, no endpoint) and the catalog's single-record list through the grain storage of an in-process silo of its own cluster id.</summary>
    private static async Task SeedAsync(int redisPort, int count, string directory)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Redis"] = $"127.0.0.1:{redisPort}",
            ["Cluster:ClusterId"] = "bench-seed",
            ["Cluster:ServiceId"] = "bench",
            ["Storage:Directory"] = directory,
            ["Dashboard:Enabled"] = "false",
            ["Silo:Port"] = Deployment.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Silo:GatewayPort"] = Deployment.FreePort().ToString(CultureInfo.InvariantCulture),
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo.ConfigureApiSecuritySilo(builder.Configuration));
        using var host = builder.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Store);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await Parallel.ForEachAsync(Enumerable.Range(2, count - 2), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            var api = new GrainState<ApiState>(new ApiState { Exists = true, Name = "scale", Enabled = true, Version = 1, Incarnation = Guid.NewGuid().ToString("N"), CreatedAt = now });
            await storage.WriteStateAsync("api", grains.GetGrain<IApiGrain>(Name(i)).GetGrainId(), api);
        });

        var catalogId = grains.GetGrain<IApiCatalogGrain>(0).GetGrainId();
        var catalog = new GrainState<ApiCatalogState>(new ApiCatalogState());
        await storage.ReadStateAsync("api-catalog", catalogId, catalog);
        catalog.State ??= new ApiCatalogState();
        foreach (var i in Enumerable.Range(2, count - 2))
        {
            catalog.State.Versions[Name(i)] = 1;
        }

        catalog.State.Generation++;
        await storage.WriteStateAsync("api-catalog", catalogId, catalog);
        await host.StopAsync();
    }

    private static string Name(int i) => $"scale-{i:D7}";

    private static string Bytes(double bytes) =>
        Math.Abs(bytes) >= 1024 * 1024 ? $"{bytes / 1024 / 1024:N1} MiB" : Math.Abs(bytes) >= 1024 ? $"{bytes / 1024:N1} KiB" : $"{bytes:N0} B";

    /// <summary>Bytes Redis received, bytes the front read (rchar), and the silo's CPU share (of one core) during <paramref name="action"/>.</summary>
    private static async Task<(long Redis, long Front, double SiloCpu)> WindowAsync(int redisPort, int frontPid, int siloPid, TimeSpan window, Func<Task> action)
    {
        using var siloProcess = Process.GetProcessById(siloPid);
        var redis0 = await RedisInputBytesAsync(redisPort);
        var front0 = SocketBytesReceived(frontPid);
        var cpu0 = siloProcess.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await action();
        siloProcess.Refresh();
        var cpu = (siloProcess.TotalProcessorTime - cpu0).TotalSeconds / clock.Elapsed.TotalSeconds;
        return (await RedisInputBytesAsync(redisPort) - redis0, SocketBytesReceived(frontPid) - front0, cpu);
    }

    /// <summary>Bytes received so far on the TCP sockets <paramref name="pid"/> holds open (tcp_info through <c>ss</c>): the gateway connection to the silo, Redis, HTTP.</summary>
    private static long SocketBytesReceived(int pid)
    {
        using var ss = Process.Start(new ProcessStartInfo("ss", "-tinpH") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var lines = ss.StandardOutput.ReadToEnd().Split('\n');
        ss.WaitForExit();
        long total = 0;
        var owned = false;
        var marker = $"pid={pid},";
        foreach (var line in lines)
        {
            if (!line.StartsWith('\t') && !line.StartsWith(' '))
            {
                owned = line.Contains(marker, StringComparison.Ordinal);
                continue;
            }

            var at = line.IndexOf("bytes_received:", StringComparison.Ordinal);
            if (owned && at >= 0)
            {
                var digits = line[(at + 15)..].TakeWhile(char.IsDigit).ToArray();
                total += long.Parse(digits, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    private static async Task<long> RedisInputBytesAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync("INFO stats\r\n"u8.ToArray());
        var text = new StringBuilder();
        var buffer = new byte[8192];
        while (!text.ToString().Contains("total_net_output_bytes", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var line = text.ToString().Split("\r\n").First(l => l.StartsWith("total_net_input_bytes:", StringComparison.Ordinal));
        return long.Parse(line.Split(':')[1], CultureInfo.InvariantCulture);
    }

    private static async Task WaitStatusAsync(HttpClient client, string path, HttpStatusCode expected, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using (var response = await client.GetAsync(path))
            {
                if (response.StatusCode == expected)
                {
                    return;
                }
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{path} did not answer {(int)expected} within {timeout.TotalSeconds:N0} s");
            }

            await Task.Delay(5);
        }
    }
}
