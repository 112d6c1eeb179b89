using System.Globalization;
using System.Text;

namespace ApiSecurity.Bench;

/// <summary>
/// "Forged-token flood": the embedded web front, started as shipped, receives about
/// <c>requests</c> requests per row, each with a new random credential it never issued: dynamic
/// tokens of the right shape and length (random member id, secret and tag), cookie sessions and
/// auto-login cookies of the same shape, and, for reference, random wrong static tokens (refused
/// from the API snapshot, no grain call). Reports throughput, the front's RSS before and after, and
/// how many member-session grains were activated (Orleans' <c>orleans_catalog_activation_created_total</c>
/// from <c>/metrics</c>). Every forged token must die at the front: no activation, flat memory, and
/// throughput at least that of refused static tokens.
/// </summary>
public static class ForgedTokenFlood
{
    private const string SessionGrainType = "member-session";

    public static async Task<string> RunAsync(string root, int requests, int threads, int connections)
    {
        var work = Path.Combine(Path.GetTempPath(), "apisec-forged-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
        using var deployment = new Deployment(root, work);
        Console.WriteLine("forged-token flood: starting the embedded web front (co-hosted silo, SQLite), no extra settings");
        var (front, address) = await deployment.StartEmbeddedAsync("web-embedded", Path.Combine(work, "data"), Deployment.FreePort(), Deployment.FreePort());
        await BenchSetup.CreateAsync(address, 2);
        using var http = BenchSetup.Client(address);
        var wrk = new Wrk(Path.Combine(root, "bench", "wrk", "forged.lua"), threads, connections);
        var rows = new (string Name, string Path, string Mode)[]
        {
            ("random wrong static tokens (reference)", $"/rcms-api/{BenchSetup.Static}/content", "static"),
            ("forged dynamic tokens", $"/rcms-api/{BenchSetup.Dynamic}/content", "dynamic"),
            ("forged cookies (session + auto-login)", $"/rcms-api/{BenchSetup.Cookie}/content", "cookie"),
        };

        // Warm-up (JIT, thread pool, connection buffers), which also gives each row's rate: wrk runs for
        // a duration, so a row then runs as long as it takes to send about `requests` requests.
        var durations = new Dictionary<string, TimeSpan>();
        foreach (var (_, path, mode) in rows)
        {
            await RunAsync(wrk, new Uri(address, path), mode, TimeSpan.FromSeconds(3));
            var warm = await RunAsync(wrk, new Uri(address, path), mode, TimeSpan.FromSeconds(2));
            durations[mode] = TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(requests / Math.Max(1, warm.RequestsPerSecond)), 2, 120));
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"## Forged-token flood (embedded web front as shipped; wrk {threads} threads, {connections} connections, a new random credential per request)");
        report.AppendLine();
        report.AppendLine("| row | requests | requests/s | p99 | refused (non-2xx) | RSS before | RSS after | RSS growth | member-session activations created |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, path, mode) in rows)
        {
            var rssBefore = front.ResidentBytes();
            var activationsBefore = await SessionActivationsAsync(http);
            var result = await RunAsync(wrk, new Uri(address, path), mode, durations[mode]);
            var rssAfter = front.ResidentBytes();
            var activations = await SessionActivationsAsync(http) - activationsBefore;
            Console.WriteLine($"  {name}: {result.Requests:N0} requests, {result.RequestsPerSecond:N0} req/s, non-2xx {result.Non2xx:N0}, RSS {Mib(rssBefore)} → {Mib(rssAfter)} MiB, activations {activations}");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {result.Requests:N0} | {result.RequestsPerSecond:N0} | {result.P99 / 1000:N2} ms | {result.Non2xx + result.SocketErrors:N0} | {Mib(rssBefore)} MiB | {Mib(rssAfter)} MiB | {(rssAfter - rssBefore) / 1024.0 / 1024:+0.0;-0.0} MiB | {activations} |");
        }

        report.AppendLine();
        report.AppendLine("Targets: RSS growth under 20 MiB per 100k forged requests, no member-session activation, forged tokens refused at least as fast as wrong static tokens.");
        return report.ToString();
    }

    private static Task<WrkResult> RunAsync(Wrk wrk, Uri url, string mode, TimeSpan duration) =>
        wrk.RunAsync(url, duration, environment: new Dictionary<string, string> { ["BENCH_FORGED"] = mode });

    /// <summary>Member-session activations created so far, from the front's Prometheus endpoint.</summary>
    private static async Task<long> SessionActivationsAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/metrics");
        long total = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("orleans_catalog_activation_created_total{", StringComparison.Ordinal)
                && line.Contains($"grain_type=\"{SessionGrainType}\"", StringComparison.Ordinal))
            {
                total += (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024).ToString("N0", CultureInfo.InvariantCulture);
}
