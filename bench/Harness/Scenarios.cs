using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace ApiSecurity.Bench;

/// <summary>A throughput and latency figure measured by the harness's own client.</summary>
public sealed record Measured(int Count, int Failed, double Seconds, double P50Ms, double P99Ms, double MaxMs)
{
    public double PerSecond => Count / Seconds;

    public static Measured From(List<double> latenciesMs, int failed, double seconds)
    {
        latenciesMs.Sort();
        double At(double q) => latenciesMs.Count == 0 ? 0 : latenciesMs[Math.Min(latenciesMs.Count - 1, (int)Math.Ceiling(q * latenciesMs.Count) - 1)];
        return new Measured(latenciesMs.Count, failed, seconds, At(0.50), At(0.99), latenciesMs.Count == 0 ? 0 : latenciesMs[^1]);
    }
}

/// <summary>The measurements that are not a wrk run: logins, token exchange, cold validation, revocation.</summary>
public static class Scenarios
{
    /// <summary>Logins on the dynamic API at fixed concurrency for <paramref name="duration"/>; returns the figure and the grant tokens.</summary>
    public static async Task<(Measured Result, List<(BenchMember Member, string Grant)> Grants)> LoginsAsync(
        Uri front, IReadOnlyList<BenchMember> members, int concurrency, TimeSpan duration)
    {
        using var client = BenchSetup.Client(front);
        var grants = new ConcurrentBag<(BenchMember, string)>();
        var latencies = new ConcurrentBag<double>();
        var failed = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                var member = members[(int)((uint)Interlocked.Increment(ref next) % members.Count)];
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var (grant, _) = await BenchSetup.LoginAsync(client, BenchSetup.Dynamic, member);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    grants.Add((member, grant!));
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        return (Measured.From([.. latencies], failed, clock.Elapsed.TotalSeconds), [.. grants]);
    }

    /// <summary>Exchanges every grant for an access token at fixed concurrency; returns the figure and one access token per member.</summary>
    public static async Task<(Measured Result, Dictionary<long, string> AccessByMember)> ExchangesAsync(
        Uri front, List<(BenchMember Member, string Grant)> grants, int concurrency)
    {
        using var client = BenchSetup.Client(front);
        var latencies = new ConcurrentBag<double>();
        var access = new ConcurrentDictionary<long, string>();
        var failed = 0;
        var queue = new ConcurrentQueue<(BenchMember Member, string Grant)>(grants);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (queue.TryDequeue(out var item))
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var token = await BenchSetup.ExchangeAsync(client, item.Grant);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    access.TryAdd(item.Member.Id, token);
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        return (Measured.From([.. latencies], failed, clock.Elapsed.TotalSeconds), new Dictionary<long, string>(access));
    }

    /// <summary>
    /// One protected request per token, one after the other: the latency of the first request apart (on a front
    /// just started it also pays for the front's first-request set-up and JIT compilation), then of the others.
    /// </summary>
    public static async Task<(double FirstMs, Measured Others)> ValidateEachAsync(Uri front, IEnumerable<string> tokens)
    {
        using var client = BenchSetup.Client(front);
        var latencies = new List<double>();
        var failed = 0;
        var firstMs = double.NaN;
        var clock = Stopwatch.StartNew();
        foreach (var token in tokens)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/rcms-api/{BenchSetup.Dynamic}/content");
            request.Headers.TryAddWithoutValidation("X-RCMS-API-ACCESS-TOKEN", token);
            var started = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failed++;
            }

            if (double.IsNaN(firstMs))
            {
                firstMs = elapsedMs; // the first request's time whatever its answer (a failure is counted above)
            }
            else if (response.StatusCode == HttpStatusCode.OK)
            {
                latencies.Add(elapsedMs);
            }
        }

        return (firstMs, Measured.From(latencies, failed, clock.Elapsed.TotalSeconds));
    }

    /// <summary>
    /// Static-token revocation through front A, timed until front B refuses the token; and a member's
    /// session revocation through A, timed until B refuses the access token.
    /// </summary>
    public static async Task<(Measured StaticToken, Measured Session)> RevocationAsync(Uri frontA, Uri frontB, BenchMember member, int rounds)
    {
        using var adminA = BenchSetup.Client(frontA, admin: true);
        using var clientA = BenchSetup.Client(frontA);
        using var clientB = BenchSetup.Client(frontB);
        var staticTimes = new List<double>();
        var sessionTimes = new List<double>();
        var failed = 0;
        for (var round = 0; round < rounds; round++)
        {
            var issued = await BenchSetup.OkAsync(adminA, HttpMethod.Post, $"/admin/apis/{BenchSetup.Static}/static-tokens",
                new { memo = $"revocation {round}", expires_at = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() });
            var (id, value) = (issued["id"]!.GetValue<string>(), issued["value"]!.GetValue<string>());
            if (await UntilAsync(clientB, BenchSetup.Static, value, HttpStatusCode.OK, TimeSpan.FromSeconds(5)) is null)
            {
                failed++;
                continue;
            }

            await BenchSetup.OkAsync(adminA, HttpMethod.Delete, $"/admin/apis/{BenchSetup.Static}/static-tokens/{id}");
            var refused = await UntilAsync(clientB, BenchSetup.Static, value, HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5));
            if (refused is { } ms)
            {
                staticTimes.Add(ms);
            }
            else
            {
                failed++;
            }

            var (grant, _) = await BenchSetup.LoginAsync(clientA, BenchSetup.Dynamic, member);
            var access = await BenchSetup.ExchangeAsync(clientA, grant!);
            // Front B has validated the token (and remembers it) before the revocation.
            if (await UntilAsync(clientB, BenchSetup.Dynamic, access, HttpStatusCode.OK, TimeSpan.FromSeconds(5)) is null)
            {
                failed++;
                continue;
            }

            await BenchSetup.OkAsync(adminA, HttpMethod.Delete, $"/admin/members/{member.Id}/sessions");
            var sessionRefused = await UntilAsync(clientB, BenchSetup.Dynamic, access, HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5));
            if (sessionRefused is { } sessionMs)
            {
                sessionTimes.Add(sessionMs);
            }
            else
            {
                failed++;
            }
        }

        return (Measured.From(staticTimes, failed, rounds), Measured.From(sessionTimes, 0, rounds));
    }

    /// <summary>Milliseconds from now until a request with <paramref name="token"/> gets <paramref name="expected"/>, or null.</summary>
    private static async Task<double?> UntilAsync(HttpClient client, string api, string token, HttpStatusCode expected, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/rcms-api/{api}/content");
            request.Headers.TryAddWithoutValidation("X-RCMS-API-ACCESS-TOKEN", token);
            using var response = await client.SendAsync(request);
            if (response.StatusCode == expected)
            {
                return clock.Elapsed.TotalMilliseconds;
            }

            await Task.Delay(2);
        }

        return null;
    }
}
