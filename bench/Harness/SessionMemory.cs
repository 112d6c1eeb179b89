using System.Diagnostics;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApiSecurity.Bench;

/// <summary>
/// Memory per live session on one silo: hosts the product's embedded silo in this process (its real
/// configuration: SQLite storage in a temporary folder), opens cookie sessions through the session
/// grain (one member each, so one grain activation per session: the worst case) and reports RSS and
/// the managed heap after a full GC at each count.
/// </summary>
public static class SessionMemory
{
    public static async Task<string> RunAsync(IReadOnlyList<int> counts, int concurrency, int holdSeconds = 0)
    {
        var data = Path.Combine(Path.GetTempPath(), "apisec-sessions-" + Guid.NewGuid().ToString("N")[..8]);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Directory"] = data,
            ["Dashboard:Enabled"] = "false",
            ["Silo:Port"] = Deployment.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Silo:GatewayPort"] = Deployment.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo.ConfigureApiSecuritySilo(builder.Configuration));
        using var host = builder.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var policy = new CookiePolicy(IdleTimeout: 1800, Lifetime: 86400, LoginSaveLifetime: 2592000);

        // Warm the grain type and the storage before the zero point.
        for (var i = 0; i < 100; i++)
        {
            await grains.GetGrain<IMemberSessionGrain>(-1 - i).StartCookieSessionAsync(policy, false, "bench", "127.0.0.1");
        }

        var (rss0, heap0) = Settle();
        var lines = new List<string>
        {
            $"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, cores: {Environment.ProcessorCount}, storage: SQLite in {data}",
            $"before: RSS {Mib(rss0)} MiB, managed heap {Mib(heap0)} MiB",
            "",
            "| live sessions | RSS | managed heap | RSS per session | heap per session | creation rate |",
            "|---:|---:|---:|---:|---:|---:|",
        };

        var created = 0;
        var samples = new List<string>();
        foreach (var target in counts.Order())
        {
            var clock = Stopwatch.StartNew();
            var from = created;
            await Parallel.ForEachAsync(Enumerable.Range(from, target - from), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
            {
                var issue = await grains.GetGrain<IMemberSessionGrain>(i + 1).StartCookieSessionAsync(policy, false, "bench", "127.0.0.1");
                if (i % 1000 == 0)
                {
                    lock (samples)
                    {
                        samples.Add(issue.Session.Value);
                    }
                }
            });
            created = target;
            var rate = (target - from) / clock.Elapsed.TotalSeconds;

            // Every sampled session must still validate: the memory is that of live sessions.
            foreach (var value in samples)
            {
                var memberId = long.Parse(value.AsSpan(0, value.IndexOf('.')), System.Globalization.CultureInfo.InvariantCulture);
                var secret = value[(value.IndexOf('.') + 1)..];
                if (await grains.GetGrain<IMemberSessionGrain>(memberId).ValidateCookieAsync(secret) is null)
                {
                    throw new InvalidOperationException($"session of member {memberId} no longer validates");
                }
            }

            var (rss, heap) = Settle();
            lines.Add($"| {target:N0} | {Mib(rss)} MiB | {Mib(heap)} MiB | {(rss - rss0) / (double)target:N0} B | {(heap - heap0) / (double)target:N0} B | {rate:N0}/s |");
            Console.WriteLine(lines[^1]);
        }

        if (holdSeconds > 0)
        {
            // Time to take a heap snapshot: dotnet-gcdump collect -p <pid>.
            Console.WriteLine($"holding {holdSeconds} s; pid {Environment.ProcessId}");
            await Task.Delay(TimeSpan.FromSeconds(holdSeconds));
        }

        await host.StopAsync();
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
        }

        return string.Join('\n', lines);
    }

    private static (long Rss, long Heap) Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
