using System.Diagnostics;
using System.Globalization;
using System.Net;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Security;
using ApiSecurity.WebFront.Rcms;

namespace ApiSecurity.Bench.Micro;

/// <summary>
/// How the per-request cost and the web front's memory grow with the size of one API: endpoints, IP
/// allow-list entries, static tokens. Builds the API as a web front holds it (<see cref="CompiledApi"/>
/// over its snapshot) at each size, times the look-up a request makes (fastest of 7 batches of 200,000,
/// ns per request) and measures what the compiled API keeps on the managed heap after a full GC.
/// Run: <c>dotnet run -c Release --project bench/Micro -- growth</c>.
/// </summary>
public static class Growth
{
    public static void Run()
    {
        Console.WriteLine($"`dotnet run -c Release --project bench/Micro -- growth`, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| what grows | size | per request | memory of the API on a web front | per item |");
        Console.WriteLine("|---|---:|---:|---:|---:|");

        foreach (var n in new[] { 1, 10, 100, 1_000 })
        {
            var (api, bytes) = Build(() => CompiledApi.Compile(Snapshot(
                endpoints: Enumerable.Range(0, n).Select(e => new EndpointDefinition(e, "GET", $"content/e{e}", Operation.DocumentGet, "{}")).ToList())));
            var path = $"content/e{n - 1}";
            var ns = Time(() => api.Endpoints.TryGetValue(path, out var byMethod) && byMethod.TryGetValue("GET", out _));
            Row("endpoints per API (route: path, then method)", n, ns, bytes);
        }

        foreach (var n in new[] { 1, 100, 10_000, 100_000 })
        {
            // Disjoint entries (they do not merge), half IPv4 addresses, half IPv6 networks; loopback last.
            var (api, bytes) = Build(() => CompiledApi.Compile(Snapshot(ipRestriction: Enumerable.Range(0, n - 1)
                .Select(i => i % 2 == 0 ? $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}" : $"2001:db8:{i / 65536:x}:{i % 65536:x}::/64")
                .Append("127.0.0.0/8")
                .ToList())));
            if (api.IpRestrictionErrors.Count > 0)
            {
                throw new InvalidOperationException(string.Join("; ", api.IpRestrictionErrors.Take(3)));
            }

            var allowed = IPAddress.Parse("127.0.0.1");
            var refused = IPAddress.Parse("203.0.113.77");
            var ns = Time(() => api.IpAllowList.Allows(allowed) & !api.IpAllowList.Allows(refused)) / 2;
            Row("IP allow-list entries (one allowed and one refused address, per check)", n, ns, bytes);
        }

        foreach (var n in new[] { 1, 100, 1_000, 10_000, 100_000 })
        {
            var mine = Secrets.NewSecret();
            var (api, bytes) = Build(() => CompiledApi.Compile(Snapshot(mode: SecurityMode.StaticToken, staticTokens: Enumerable.Range(0, n - 1)
                .Select(i => new StaticTokenRecord($"t{i}", Secrets.Hash(Secrets.NewSecret()), "memo", long.MaxValue, null, 0))
                .Append(new StaticTokenRecord("mine", Secrets.Hash(mine), "memo", long.MaxValue, 7, 0))
                .ToList())));
            var ns = Time(() => api.FindStaticToken(mine) is not null);
            Row("static tokens per API (SHA-256 of the token, then look-up)", n, ns, bytes);
        }
    }

    private static ApiSnapshot Snapshot(
        SecurityMode mode = SecurityMode.None,
        IReadOnlyList<EndpointDefinition>? endpoints = null,
        IReadOnlyList<string>? ipRestriction = null,
        IReadOnlyList<StaticTokenRecord>? staticTokens = null) =>
        new("growth", "growth", true, mode, ipRestriction ?? [], CorsSettings.Empty,
            endpoints ?? [new EndpointDefinition(1, "GET", "content", Operation.DocumentGet, "{}")], staticTokens ?? [], 1, "scope", 0);

    /// <summary>Builds the API and measures what it keeps (its snapshot included) after a full GC.</summary>
    private static (CompiledApi Api, long Bytes) Build(Func<CompiledApi> build)
    {
        // Once unmeasured (first-use statics, JIT), then measured. The inputs become the snapshot the API
        // keeps, so they are built inside the measured window.
        GC.KeepAlive(build());
        var before = Settle();
        var api = build();
        var after = Settle();
        GC.KeepAlive(api);
        return (api, after - before);
    }

    private static double Time(Func<bool> request)
    {
        for (var i = 0; i < 20_000; i++)
        {
            request();
        }

        var batches = new double[7];
        const int PerBatch = 200_000;
        for (var b = 0; b < batches.Length; b++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < PerBatch; i++)
            {
                if (!request())
                {
                    throw new InvalidOperationException("the look-up failed");
                }
            }

            batches[b] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / PerBatch;
        }

        // The fastest batch: on a shared machine the others mostly measure other processes.
        return batches.Min();
    }

    private static long Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    private static void Row(string what, int size, double ns, long bytes) =>
        Console.WriteLine($"| {what} | {size:N0} | {ns:N0} ns | {Size(bytes)} | {Math.Max(0, bytes) / (double)size:N0} B |");

    private static string Size(long bytes) => bytes >= 1024 * 1024
        ? (bytes / 1024.0 / 1024.0).ToString("N1", CultureInfo.InvariantCulture) + " MiB"
        : (bytes / 1024.0).ToString("N1", CultureInfo.InvariantCulture) + " KiB";

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
