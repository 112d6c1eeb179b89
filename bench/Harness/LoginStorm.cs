using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace ApiSecurity.Bench;

/// <summary>
/// "Login storm": token-validation latency on a <c>dynamic_token</c> API (wrk, fixed moderate
/// concurrency) idle, then while a fixed number of clients hammer <c>login</c> on the same embedded
/// web front with a mix of right passwords, wrong passwords and unknown emails. Password hashing
/// must slow logins, not token checks: the target is a storm p99 within 3× of idle, no failures.
/// </summary>
public static class LoginStorm
{
    /// <summary>Login outcomes counted during the storm.</summary>
    private sealed class Counts
    {
        public long Ok;
        public long Refused;
        public long Busy;
        public long Failed;
        public readonly List<double> LatenciesMs = [];
    }

    public static async Task<string> RunAsync(string root, Wrk wrk, TimeSpan duration, TimeSpan warmup, int rounds, int loginClients, string commandLine)
    {
        var work = Path.Combine(Path.GetTempPath(), "apisec-login-storm-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss"));
        using var deployment = new Deployment(root, work);
        Console.WriteLine("login storm: starting the embedded web front (co-hosted silo, SQLite)");
        var (_, address) = await deployment.StartEmbeddedAsync("web-embedded", Path.Combine(work, "data"), Deployment.FreePort(), Deployment.FreePort());
        var setup = await BenchSetup.CreateAsync(address, 16);
        var target = setup.Targets.Single(t => t.Name == "dynamic_token");
        var url = new Uri(address, target.Path);

        await wrk.RunAsync(url, warmup, target.HeaderName, target.HeaderValue);

        // Idle and storm runs alternate, so that drift of a shared machine hits both alike; each
        // side reports its median round (by p99).
        var idleRuns = new List<WrkResult>();
        var stormRuns = new List<WrkResult>();
        var counts = new Counts();
        var stormSeconds = 0.0;
        for (var round = 1; round <= rounds; round++)
        {
            var idleRun = await wrk.RunAsync(url, duration, target.HeaderName, target.HeaderValue);
            idleRuns.Add(idleRun);
            Console.WriteLine($"  round {round} idle: p50 {idleRun.P50 / 1000:N2} ms, p99 {idleRun.P99 / 1000:N2} ms, {idleRun.RequestsPerSecond:N0} req/s");

            // The storm starts a second before wrk so that hashing is saturated for the whole run.
            using var stop = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();
            var storm = Task.WhenAll(Enumerable.Range(0, loginClients).Select(i => LoginLoopAsync(address, setup.Members, i, counts, stop.Token)));
            await Task.Delay(TimeSpan.FromSeconds(1));
            var stormRun = await wrk.RunAsync(url, duration, target.HeaderName, target.HeaderValue);
            await stop.CancelAsync();
            await storm;
            stormSeconds += clock.Elapsed.TotalSeconds;
            stormRuns.Add(stormRun);
            Console.WriteLine($"  round {round} storm: p50 {stormRun.P50 / 1000:N2} ms, p99 {stormRun.P99 / 1000:N2} ms, {stormRun.RequestsPerSecond:N0} req/s");
        }

        var idle = idleRuns.OrderBy(r => r.P99).ElementAt(rounds / 2);
        var during = stormRuns.OrderBy(r => r.P99).ElementAt(rounds / 2);
        var logins = Measured.From(counts.LatenciesMs, (int)counts.Failed, stormSeconds);
        var ratio = idle.P99 > 0 ? during.P99 / idle.P99 : double.NaN;
        var report = new StringBuilder();
        report.AppendLine($"# Login storm {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        report.AppendLine();
        report.AppendLine($"- command: `{commandLine}`; {Environment.ProcessorCount} cores; load generator, wrk and server share them");
        report.AppendLine($"- token validation: wrk ({wrk.Connections} connections) on `GET {target.Path}` (dynamic_token, valid access token); {warmup.TotalSeconds:N0} s warm-up, " +
            $"then {rounds} rounds of idle and storm runs of {duration.TotalSeconds:N0} s, alternating; each side shows its median round by p99 " +
            $"(all p99: idle {string.Join(", ", idleRuns.Select(r => $"{r.P99 / 1000:N1}"))} ms; storm {string.Join(", ", stormRuns.Select(r => $"{r.P99 / 1000:N1}"))} ms)");
        report.AppendLine($"- storm: {loginClients} clients looping `POST login` on the same web front (1 in 2 right password, 1 in 4 wrong password, 1 in 4 unknown email)");
        report.AppendLine();
        report.AppendLine("| token validation | requests/s | p50 | p99 | p99.9 | failures (non-2xx + socket errors) |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|");
        report.AppendLine($"| idle | {idle.RequestsPerSecond:N0} | {idle.P50 / 1000:N2} ms | {idle.P99 / 1000:N2} ms | {idle.P999 / 1000:N2} ms | {idle.Non2xx + idle.SocketErrors} |");
        report.AppendLine($"| during the login storm | {during.RequestsPerSecond:N0} | {during.P50 / 1000:N2} ms | {during.P99 / 1000:N2} ms | {during.P999 / 1000:N2} ms | {during.Non2xx + during.SocketErrors} |");
        report.AppendLine();
        report.AppendLine($"p99 during the storm / idle: **{ratio:N2}×** (target ≤ 3×).");
        report.AppendLine();
        report.AppendLine("| logins during the storm | per second | p50 | p99 | 200 | 401 | 503 (hashing queue full) | other failures |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        report.AppendLine($"| {loginClients} concurrent clients, all rounds | {logins.PerSecond:N1} | {logins.P50Ms:N0} ms | {logins.P99Ms:N0} ms | {counts.Ok} | {counts.Refused} | {counts.Busy} | {counts.Failed} |");
        return report.ToString();
    }

    private static async Task LoginLoopAsync(Uri address, IReadOnlyList<BenchMember> members, int client, Counts counts, CancellationToken stop)
    {
        using var http = BenchSetup.Client(address);
        for (var i = client; !stop.IsCancellationRequested; i += 7)
        {
            var member = members[i % members.Count];
            var body = (i % 4) switch
            {
                0 or 1 => new { email = member.Email, password = member.Password },
                2 => new { email = member.Email, password = "wrong-password" },
                _ => new { email = $"nobody-{i}@example.com", password = member.Password },
            };
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.PostAsJsonAsync($"/rcms-api/{BenchSetup.Dynamic}/login", body, CancellationToken.None);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (counts)
                {
                    counts.LatenciesMs.Add(ms);
                    _ = response.StatusCode switch
                    {
                        HttpStatusCode.OK => ++counts.Ok,
                        HttpStatusCode.Unauthorized => ++counts.Refused,
                        HttpStatusCode.ServiceUnavailable => ++counts.Busy,
                        _ => ++counts.Failed,
                    };
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref counts.Failed);
            }
        }
    }
}
