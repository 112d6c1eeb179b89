using System.Diagnostics;
using System.Globalization;
using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.Hosting;
using ApiSecurity.Hosting.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;

namespace ApiSecurity.Bench;

/// <summary>
/// Memory bounded by activity: hosts the product's embedded silo in this process (its real configuration:
/// SQLite storage in a temporary folder, the default <c>Silo:Collection</c> settings), issues cookie
/// sessions one member each (one grain activation per session: the worst case) while a share of them
/// stays in use, and records RSS and activations over time; then measures cold validations (grain
/// deactivated, state read from SQLite) and splits the memory of a live session into its state and
/// Orleans' per-activation bookkeeping.
/// </summary>
public static class SessionMemory
{
    private static readonly CookiePolicy Policy = new(IdleTimeout: 1800, Lifetime: 86400, LoginSaveLifetime: 2592000);

    public sealed record Settings(int Issued, int ActivePercent, int Concurrency, TimeSpan SampleEvery, TimeSpan Hold, int SplitSessions, int LatencySamples, int HoldSeconds, TimeSpan MaxIssueTime);

    public static async Task<string> RunAsync(Settings run)
    {
        var data = Path.Combine(Path.GetTempPath(), "apisec-sessions-" + Guid.NewGuid().ToString("N")[..8]);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Directory"] = data,
            ["Dashboard:Enabled"] = "false",
            ["Silo:Port"] = Deployment.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Silo:GatewayPort"] = Deployment.FreePort().ToString(CultureInfo.InvariantCulture),
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo.ConfigureApiSecuritySilo(builder.Configuration));
        using var host = builder.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var collection = builder.Configuration.GetSettings<CollectionSettings>(CollectionSettings.Section);
        var gc = GC.GetGCMemoryInfo();

        var lines = new List<string>
        {
            $"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, memory the GC may use: {Mib(gc.TotalAvailableMemoryBytes)} MiB"
                + (Environment.GetEnvironmentVariable("DOTNET_GCHeapHardLimit") is { } limit ? $" (DOTNET_GCHeapHardLimit={limit})" : string.Empty)
                + $", cores: {Environment.ProcessorCount}, storage: SQLite",
            $"collection: session grains after {collection.SessionAge} idle (checked every {collection.Quantum}), shedding above {collection.MemoryLimitPercentage} % of that memory down to {collection.MemoryTargetPercentage} %: {collection.SheddingOnMemoryPressure}",
        };

        // Warm the grain type and the storage before the zero point.
        for (var i = 0; i < 100; i++)
        {
            await grains.GetGrain<IMemberSessionGrain>(-1 - i).StartCookieSessionAsync(Policy, false, "bench", "127.0.0.1");
        }

        lines.AddRange(await SplitAsync(grains, management, host.Services.GetRequiredService<Serializer>(), run.SplitSessions));
        Console.WriteLine(string.Join('\n', lines));

        // 1. Issue: member i gets one session; every (100 / ActivePercent)-th stays in use.
        var stride = Math.Max(1, 100 / Math.Max(1, run.ActivePercent));
        var active = new string?[run.Issued / stride + 1];
        var idle = new string?[run.Issued];
        var issued = 0;
        var failed = 0;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var timeline = new List<string>
        {
            "",
            $"| time | sessions issued | in use | activations | RSS | managed heap | GC committed | warm check p50 / p99 |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        };
        var peakRss = 0L;

        async Task SampleAsync(string phase)
        {
            var issuedNow = Volatile.Read(ref issued);
            var inUse = issuedNow / stride;
            var latencies = await TimeChecksAsync(grains, active, inUse, run.LatencySamples / 4);
            var activations = await management.GetTotalActivationCount();
            using var process = Process.GetCurrentProcess();
            var rss = process.WorkingSet64;
            peakRss = Math.Max(peakRss, rss);
            var info = GC.GetGCMemoryInfo();
            var row = $"| {clock.Elapsed.TotalSeconds:N0} s{phase} | {issuedNow:N0} | {inUse:N0} | {activations:N0} | {Mib(rss)} MiB | {Mib(GC.GetTotalMemory(false))} MiB | {Mib(info.TotalCommittedBytes)} MiB | {Percentile(latencies, 0.5):N2} / {Percentile(latencies, 0.99):N2} ms |";
            timeline.Add(row);
            Console.WriteLine(row);
        }

        // Sessions in use are validated every 30 s (well within the collection age), as a browser would.
        var keepAlive = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var sweep = Stopwatch.StartNew();
                var count = Volatile.Read(ref issued) / stride;
                await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (i, _) =>
                {
                    SessionCheck? check = null;
                    try
                    {
                        check = active[i] is { } token ? await ValidateAsync(grains, token) : new SessionCheck("unset", 0);
                    }
                    catch (TimeoutException)
                    {
                        Interlocked.Increment(ref failed);
                        return;
                    }

                    if (check is null)
                    {
                        throw new InvalidOperationException("a session in use no longer validates");
                    }
                });
                var rest = TimeSpan.FromSeconds(30) - sweep.Elapsed;
                if (rest > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(rest, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }
        });

        var issuingDone = false;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(run.SampleEvery, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                await SampleAsync(Volatile.Read(ref issuingDone) ? " (hold)" : "");
            }
        });
        // A cap on the issuing time keeps the run bounded on a loaded machine; the report says how many were issued.
        using var cap = run.MaxIssueTime > TimeSpan.Zero ? new CancellationTokenSource(run.MaxIssueTime) : new CancellationTokenSource();
        try
        {
        await Parallel.ForEachAsync(Enumerable.Range(0, run.Issued), new ParallelOptions { MaxDegreeOfParallelism = run.Concurrency, CancellationToken = cap.Token }, async (i, _) =>
        {
            CookieIssue issue;
            try
            {
                issue = await grains.GetGrain<IMemberSessionGrain>(i + 1).StartCookieSessionAsync(Policy, false, "bench", "127.0.0.1");
            }
            catch (TimeoutException)
            {
                // A starved machine (other processes) can stall a call past Orleans' 30 s; count it, go on.
                Interlocked.Increment(ref failed);
                return;
            }

            if (i % stride == 0)
            {
                active[i / stride] = issue.Session.Value;
            }
            else if (i % 47 == 1)
            {
                idle[i] = issue.Session.Value;
            }

            Interlocked.Increment(ref issued);
        });
        }
        catch (OperationCanceledException) when (cap.IsCancellationRequested)
        {
            Console.WriteLine($"issuing stopped after {run.MaxIssueTime.TotalSeconds:N0} s");
        }

        var issuing = clock.Elapsed;
        var issuedTotal = Volatile.Read(ref issued);
        Volatile.Write(ref issuingDone, true);
        var rate = issuedTotal / issuing.TotalSeconds;
        Console.WriteLine($"issued {issuedTotal:N0} in {issuing.TotalSeconds:N0} s ({rate:N0}/s); holding {run.Hold.TotalSeconds:N0} s with the sessions in use still used");

        // 2. Hold: the sessions in use stay in use, the idle ones should leave memory.
        await Task.Delay(run.Hold);
        await stop.CancelAsync();
        await sampler;
        await keepAlive;
        await SampleAsync(" (end)");

        // 3. Cold checks: sessions issued in the first half and never used since (gone from memory
        // by now, as the activation count shows), one at a time; then warm ones for comparison.
        var cold = idle.Take(run.Issued).Where((_, i) => i < issuedTotal / 2).Where(t => t is not null).Select(t => t!).OrderBy(_ => Random.Shared.Next()).Take(run.LatencySamples).ToArray();
        var activationsBefore = await management.GetTotalActivationCount();
        var coldTimes = await TimeEachAsync(grains, cold);
        var activationsAfter = await management.GetTotalActivationCount();
        var warmTimes = await TimeChecksAsync(grains, active, issuedTotal / stride, run.LatencySamples);
        var (rssEnd, heapEnd) = Settle();

        lines.AddRange(timeline);
        lines.Add("");
        lines.Add($"issued {issuedTotal:N0} sessions in {issuing.TotalSeconds:N0} s ({rate:N0}/s), {run.ActivePercent} % of them validated every 30 s throughout; {failed:N0} calls timed out; peak RSS {Mib(peakRss)} MiB");
        lines.Add($"after a full GC at the end: RSS {Mib(rssEnd)} MiB, managed heap {Mib(heapEnd)} MiB, {activationsAfter:N0} activations");
        lines.Add("");
        lines.Add("| validation (grain call in the silo's process, one at a time) | n | p50 | p99 | max |");
        lines.Add("|---|---:|---:|---:|---:|");
        lines.Add($"| cold: idle session, grain deactivated, state read from SQLite ({activationsAfter - activationsBefore:N0} activations added by the {cold.Length:N0} checks) | {coldTimes.Length:N0} | {Percentile(coldTimes, 0.5):N2} ms | {Percentile(coldTimes, 0.99):N2} ms | {coldTimes.Max():N2} ms |");
        lines.Add($"| warm: session in use | {warmTimes.Length:N0} | {Percentile(warmTimes, 0.5):N2} ms | {Percentile(warmTimes, 0.99):N2} ms | {warmTimes.Max():N2} ms |");

        if (run.HoldSeconds > 0)
        {
            // Time to take a heap snapshot: dotnet-gcdump collect -p <pid>.
            Console.WriteLine($"holding {run.HoldSeconds} s; pid {Environment.ProcessId}");
            await Task.Delay(TimeSpan.FromSeconds(run.HoldSeconds));
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

    /// <summary>
    /// Memory of one live session, split: <paramref name="count"/> fresh sessions (one activation each), then
    /// the same after each was validated once, against the state
    /// alone: as many states as a grain holds after reading them from storage.
    /// </summary>
    private static async Task<List<string>> SplitAsync(IGrainFactory grains, IManagementGrain management, Serializer serializer, int count)
    {
        const long Base = 900_000_000_000;
        var (_, heap0) = Settle();
        var activations0 = await management.GetTotalActivationCount();
        var tokens = new string?[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            tokens[i] = (await grains.GetGrain<IMemberSessionGrain>(Base + i).StartCookieSessionAsync(Policy, false, "bench", "127.0.0.1")).Session.Value);
        var (_, heapIssued) = Settle();
        var added = await management.GetTotalActivationCount() - activations0;
        await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (token, _) => await ValidateAsync(grains, token!));
        var (_, heapUsed) = Settle();
        var tokensBytes = tokens.Sum(t => 22L + (2L * t!.Length)) + 24 + (8L * count);

        // The state as a grain holds it: read from storage (Orleans' serializer, as both stores use).
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payloads = Enumerable.Range(0, 64).Select(_ => serializer.SerializeToArray(SampleState(now))).ToArray();
        var (_, heapBefore) = Settle();
        var states = new MemberSessionState[count];
        for (var i = 0; i < count; i++)
        {
            states[i] = serializer.Deserialize<MemberSessionState>(payloads[i % payloads.Length])!;
        }

        var (_, heapRead) = Settle();
        GC.KeepAlive(states);
        GC.KeepAlive(tokens);

        double Per(long bytes) => bytes / (double)count;
        var perIssued = Per(heapIssued - heap0 - tokensBytes);
        var perUsed = Per(heapUsed - heap0 - tokensBytes);
        var stateRead = Per(heapRead - heapBefore - (24 + (8L * count)));
        return
        [
            "",
            $"| memory of one live session ({count:N0} sessions, {added:N0} activations added; managed heap after a full GC) | bytes |",
            "|---|---:|",
            $"| whole activation, session issued | {perIssued:N0} |",
            $"| whole activation, session validated since | {perUsed:N0} |",
            $"| of which the state (one login, one session token) as read from storage | {stateRead:N0} |",
            $"| of which Orleans' activation, grain object, storage bridge, directory and collector entries (issued − state) | {perIssued - stateRead:N0} |",
        ];
    }

    private static MemberSessionState SampleState(long now)
    {
        // The shape StartCookieSessionAsync stores: one cookie login, one session token.
        var login = new LoginRecord
        {
            Id = Secrets.NewId(),
            Kind = LoginKind.Cookie,
            ApiId = "bench",
            CreatedAt = now,
            LastSeenAt = now,
            IdleTimeout = 1800,
            ClientIp = "127.0.0.1",
        };
        var hash = Secrets.Hash(Secrets.NewSecret());
        var state = new MemberSessionState { LastSerial = 1 };
        state.Logins[login.Id] = login;
        state.Tokens[Convert.ToHexStringLower(hash)] = new TokenRecord
        {
            Hash = hash,
            Kind = TokenKind.CookieSession,
            LoginId = login.Id,
            ExpiresAt = now + 86400,
            Serial = 1,
        };
        return state;
    }

    private static Task<SessionCheck?> ValidateAsync(IGrainFactory grains, string token)
    {
        if (!SessionToken.TryParse(token, out var parsed))
        {
            throw new InvalidOperationException("unreadable session token");
        }

        return grains.GetGrain<IMemberSessionGrain>(parsed.MemberId).ValidateCookieAsync(parsed.Secret);
    }

    private static async Task<double[]> TimeChecksAsync(IGrainFactory grains, string?[] active, int count, int samples)
    {
        var chosen = Enumerable.Range(0, Math.Max(0, Math.Min(count, active.Length)))
            .Select(_ => active[Random.Shared.Next(Math.Max(1, Math.Min(count, active.Length)))])
            .Where(t => t is not null)
            .Take(samples)
            .Select(t => t!)
            .ToArray();
        return chosen.Length == 0 ? [0] : await TimeEachAsync(grains, chosen);
    }

    private static async Task<double[]> TimeEachAsync(IGrainFactory grains, string[] tokens)
    {
        var times = new double[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            if (await ValidateAsync(grains, tokens[i]) is null)
            {
                throw new InvalidOperationException("a session no longer validates");
            }

            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return times;
    }

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static (long Rss, long Heap) Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("N0", CultureInfo.InvariantCulture);
}
