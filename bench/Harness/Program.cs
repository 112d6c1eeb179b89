using System.Diagnostics;
using System.Globalization;
using System.Text;
using ApiSecurity.Bench;
using ApiSecurity.Testing;

// The benchmark harness (see BENCHMARKS.md):
//   Harness run [--duration 10] [--rounds 3] [--warmup 5] [--settle 2] [--connections 64] [--threads 2] [--members 64] [--compare <checkout>]
//               [--login-seconds 10] [--skip-cluster] [--skip-peers] [--skip-hostile] [--out bench/results/latest.md] [--trace <mode>]
//   Harness sessions [1000000] [--active-percent 5] [--heap-limit-mib 768] [--hold-seconds 180] [--concurrency 8]
//                    [--sample-seconds 15] [--split 5000] [--latency-samples 2000] [--max-issue-seconds 0] [--out <file>] [--hold <seconds>]
//   Harness login-storm [--duration 10] [--rounds 3] [--warmup 5] [--connections 8] [--login-clients 16] [--out <file>]
//   Harness forged [--requests 100000] [--threads 2] [--connections 64]
//   Harness catalog 1 1000 10000 100000 [--concurrency 32] [--changes 5] [--duration 5] [--connections 16] [--seed] [--out <file>]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

if (options.Has("help"))
{
    Console.WriteLine(Options.Usage);
    return 0;
}

var root = FindRoot();

if (options.Command == "sessions")
{
    // A silo in a container limited to 1 GiB: .NET lets the heap use 75 % of the limit (768 MiB), and
    // shedding works in percent of that. Re-run this command in a child with that limit set.
    var heapLimit = options.Get("heap-limit-mib", 768);
    if (heapLimit > 0 && Environment.GetEnvironmentVariable("DOTNET_GCHeapHardLimit") is null)
    {
        var child = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (!Environment.ProcessPath!.EndsWith("Harness", StringComparison.Ordinal))
        {
            child.ArgumentList.Add(typeof(SessionMemory).Assembly.Location);
        }

        foreach (var arg in args)
        {
            child.ArgumentList.Add(arg);
        }

        child.Environment["DOTNET_GCHeapHardLimit"] = "0x" + ((long)heapLimit * 1024 * 1024).ToString("X", CultureInfo.InvariantCulture);
        using var process = Process.Start(child)!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    var issued = options.Counts.Count > 0 ? options.Counts[^1] : 1_000_000;
    var report = await SessionMemory.RunAsync(new SessionMemory.Settings(
        Issued: issued,
        ActivePercent: options.Get("active-percent", 5),
        Concurrency: options.Get("concurrency", 8),
        SampleEvery: TimeSpan.FromSeconds(options.Get("sample-seconds", 15)),
        Hold: TimeSpan.FromSeconds(options.Get("hold-seconds", 180)),
        SplitSessions: options.Get("split", 5_000),
        LatencySamples: options.Get("latency-samples", 2_000),
        HoldSeconds: options.Get("hold", 0),
        MaxIssueTime: TimeSpan.FromSeconds(options.Get("max-issue-seconds", 0))));
    Console.WriteLine();
    Console.WriteLine(report);
    if (options.Value("out") is { } sessionsOut)
    {
        await File.WriteAllTextAsync(sessionsOut, $"`bench/run {string.Join(' ', args)}`, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n\n{report}\n");
    }

    return 0;
}

if (!Wrk.IsInstalled())
{
    Console.Error.WriteLine("error: wrk is not installed (apt-get install wrk)");
    return 2;
}

if (options.Command == "forged")
{
    var forged = await ForgedTokenFlood.RunAsync(root, options.Get("requests", 100_000), options.Get("threads", 2), options.Get("connections", 64));
    Console.WriteLine();
    Console.WriteLine(forged);
    await File.WriteAllTextAsync(options.Value("out") ?? Path.Combine(root, "bench", "results", "latest-forged.md"), forged);
    return 0;
}

if (options.Command == "catalog")
{
    var catalogWrk = new Wrk(Path.Combine(root, "bench", "wrk", "report.lua"), options.Get("threads", 2), options.Get("connections", 16));
    var scale = await CatalogScale.RunAsync(root, catalogWrk, options.Counts, options.Get("concurrency", 32), Math.Max(1, options.Get("changes", 5)),
        TimeSpan.FromSeconds(options.Get("duration", 5)), $"bench/run {string.Join(' ', args)}", options.Has("seed"));
    Console.WriteLine();
    Console.WriteLine(scale);
    await File.WriteAllTextAsync(options.Value("out") ?? Path.Combine(root, "bench", "results", "latest-catalog.md"), scale);
    return 0;
}

const string BaselineRow = "baseline: plain ASP.NET Core, same JSON";
const string ComparePrefix = "other build: ";
var duration = TimeSpan.FromSeconds(options.Get("duration", 10));
var warmup = TimeSpan.FromSeconds(options.Get("warmup", 5));
// Idle time before each measured round, so that what the previous row left running (its server's GC and
// thread-pool spin-down, Redis writing its append-only file) is not counted against the next row.
var settle = TimeSpan.FromSeconds(options.Get("settle", 2));
if (options.Command == "login-storm")
{
    var stormWrk = new Wrk(Path.Combine(root, "bench", "wrk", "report.lua"), options.Get("threads", 2), options.Get("connections", 8));
    var storm = await LoginStorm.RunAsync(root, stormWrk, duration, warmup, Math.Max(1, options.Get("rounds", 3)), options.Get("login-clients", 16), $"bench/run {string.Join(' ', args)}");
    Console.WriteLine();
    Console.WriteLine(storm);
    if (options.Value("out") is { } stormOut)
    {
        await File.WriteAllTextAsync(stormOut, storm);
    }

    return 0;
}

var wrk = new Wrk(Path.Combine(root, "bench", "wrk", "report.lua"), options.Get("threads", 2), options.Get("connections", 64));
var work = Path.Combine(Path.GetTempPath(), "apisec-bench-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss"));
var output = new StringBuilder();
void Say(string line)
{
    Console.WriteLine(line);
    output.AppendLine(line);
}

var rounds = Math.Max(1, options.Get("rounds", 3));

// Every row is measured once per round, rows rotating their order each round, so that drift of the
// shared machine spreads over all rows; a row reports its median round (by requests/s).
async Task<List<(string Name, WrkResult Result)>> LoadAll(IReadOnlyList<Row> rows, ChildProcess? server, string prefix)
{
    foreach (var (name, url, target, _) in rows)
    {
        await wrk.RunAsync(url, warmup, target?.HeaderName, target?.HeaderValue);
    }

    // The order rotates by one each round and runs backwards every other round, so that no row always follows
    // the same row (a plain rotation keeps every row's predecessor, and with it whatever that row leaves behind).
    var results = rows.ToDictionary(r => r.Name, _ => new List<WrkResult>());
    for (var round = 0; round < rounds; round++)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var position = round % 2 == 0 ? i : rows.Count - 1 - i;
            var (name, url, target, servers) = rows[(position + round) % rows.Count];
            await Task.Delay(settle);
            results[name].Add(await Load($"{prefix}{name} (round {round + 1})", url, target, servers, server));
        }
    }

    return rows.Select(r => (r.Name, results[r.Name].OrderBy(x => x.RequestsPerSecond).ElementAt(rounds / 2) with
    {
        Rounds = results[r.Name].Select(x => x.RequestsPerSecond).ToList(),
        CpuRounds = results[r.Name].Select(x => x.CpuPerRequest).ToList(),
    })).ToList();
}

async Task<WrkResult> Load(string label, Uri url, ModeTarget? target, IReadOnlyList<ChildProcess> servers, ChildProcess? server = null)
{
    var cpuBefore = servers.Sum(p => p.CpuTime().TotalMicroseconds);
    var running = wrk.RunAsync(url, duration, target?.HeaderName, target?.HeaderValue);
    if (server is not null && options.Value("trace") is { } traced && label.StartsWith(traced, StringComparison.Ordinal))
    {
        // --trace <mode>: a CPU sample of the server during that row (dotnet-trace, speedscope format).
        await Task.Delay(TimeSpan.FromSeconds(1));
        var file = Path.Combine(work, $"trace-{label.Replace(' ', '_')}.nettrace");
        using var trace = Process.Start(new ProcessStartInfo("dotnet-trace",
            ["collect", "-p", server.Id.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time",
             "--duration", $"00:00:00:{Math.Max(1, (int)duration.TotalSeconds - 2):00}", "--format", "Speedscope", "-o", file]) { RedirectStandardOutput = true })!;
        await trace.WaitForExitAsync();
        Console.WriteLine($"  trace: {Path.ChangeExtension(file, ".speedscope.json")}");
    }

    var result = await running;
    var cpuAfter = servers.Sum(p => p.CpuTime().TotalMicroseconds);
    result = result with
    {
        // Unknown when a serving process ended during the round (its CPU time is gone from the sum).
        CpuPerRequest = servers.Any(p => p.HasExited) ? double.NaN : (cpuAfter - cpuBefore) / Math.Max(1, result.Requests),
    };
    Console.WriteLine($"  {label}: {result.RequestsPerSecond:N0} req/s, p50 {result.P50 / 1000:N2} ms, p99 {result.P99 / 1000:N2} ms, " +
        $"server CPU {result.CpuPerRequest:N1} µs/request, non-2xx {result.Non2xx}");
    return result;
}

Say($"# Benchmark run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Say("");
Say($"- commit: `{Git(root, "rev-parse --short HEAD")}`; machine: {Machine()}");
Say($"- load: wrk, {options.Get("threads", 2)} threads, {options.Get("connections", 64)} connections, loopback; {warmup.TotalSeconds:N0} s warm-up per row, then {rounds} rounds of " +
    $"{duration.TotalSeconds:N0} s per row (row order rotating, every other round backwards, {settle.TotalSeconds:N0} s idle before each); each row shows its median round; client and server share the machine's cores");
Say($"- command: `bench/run {string.Join(' ', args)}`".Replace("bench/run run", "bench/run", StringComparison.Ordinal));
Say("");

WrkResult baseline;
using (var embedded = new Deployment(root, Path.Combine(work, "embedded")))
{
    Console.WriteLine("embedded: starting the web front (co-hosted silo, SQLite)");
    var data = Path.Combine(embedded.WorkDirectory, "data");
    var (siloPort, gatewayPort) = (Deployment.FreePort(), Deployment.FreePort());
    var (front, address) = await embedded.StartEmbeddedAsync("web-embedded", data, siloPort, gatewayPort);
    var setup = await BenchSetup.CreateAsync(address, options.Get("members", 64));

    using (var client = BenchSetup.Client(address))
    {
        var bodyFile = Path.Combine(embedded.WorkDirectory, "body.json");
        await File.WriteAllBytesAsync(bodyFile, await client.GetByteArrayAsync(setup.Targets[0].Path));
        var (baselineProcess, baselineAddress) = await embedded.StartBaselineAsync(bodyFile);
        Console.WriteLine("baseline: plain ASP.NET Core endpoint, same JSON; peers: slim endpoint, JwtBearer, cookie authentication with and without Redis sessions");
        var plan = new List<Row> { new(BaselineRow, new Uri(baselineAddress, setup.Targets[0].Path), null, [baselineProcess]) };
        plan.AddRange(await Peers.StartAsync(embedded, bodyFile, setup.Targets[0].Path, options.Has("skip-peers")));
        plan.AddRange(setup.Targets.Select(t => new Row(t.Name, new Uri(address, t.Path), t, [front])));

        // --compare <checkout>: the same rows served by another build of the product (its Release binaries,
        // e.g. a worktree of an older commit), in the same rounds, for a before/after table.
        using var earlier = options.Value("compare") is { } otherRoot ? new Deployment(Path.GetFullPath(otherRoot), Path.Combine(work, "compare")) : null;
        if (earlier is not null)
        {
            Console.WriteLine($"compare: starting the web front built in {options.Value("compare")}");
            var (earlierFront, earlierAddress) = await earlier.StartEmbeddedAsync("web-compare", Path.Combine(earlier.WorkDirectory, "data"), Deployment.FreePort(), Deployment.FreePort());
            var earlierSetup = await BenchSetup.CreateAsync(earlierAddress, options.Get("members", 64));
            plan.AddRange(earlierSetup.Targets.Select(t => new Row(ComparePrefix + t.Name, new Uri(earlierAddress, t.Path), t, [earlierFront])));
        }

        var rows = await LoadAll(plan, front, string.Empty);
        baseline = rows[0].Result;
        Say("## Embedded (one process: web front + co-hosted silo + SQLite)");
        Say("");
        Peers.Table(rows, Say);
        Table(rows, baseline);
        if (earlier is not null)
        {
            CompareTable(rows, $"{options.Value("compare")} (commit `{Git(Path.GetFullPath(options.Value("compare")!), "rev-parse --short HEAD")}`)");
        }
    }

    Say($"Web front RSS after the load: {front.ResidentBytes() / 1024 / 1024:N0} MiB.");
    Say("");

    Console.WriteLine("logins and token exchange");
    var (logins, grants) = await Scenarios.LoginsAsync(address, setup.Members, options.Get("login-concurrency", 8), TimeSpan.FromSeconds(options.Get("login-seconds", 10)));
    var (exchanges, accessByMember) = await Scenarios.ExchangesAsync(address, grants, 16);
    Say("| operation | per second | p50 | p99 | failed |");
    Say("|---|---:|---:|---:|---:|");
    Say($"| login (`login_challenge`, PBKDF2 100 000 iterations), {options.Get("login-concurrency", 8)} concurrent | {logins.PerSecond:N0} | {logins.P50Ms:N1} ms | {logins.P99Ms:N1} ms | {logins.Failed} |");
    Say($"| token exchange (grant → access + refresh), 16 concurrent, {exchanges.Count} grants | {exchanges.PerSecond:N0} | {exchanges.P50Ms:N1} ms | {exchanges.P99Ms:N1} ms | {exchanges.Failed} |");
    Say("");

    Console.WriteLine("cold sessions: restarting the web front");
    front.Stop(TimeSpan.FromSeconds(30));
    var (_, restarted) = await embedded.StartEmbeddedAsync("web-embedded-restarted", data, siloPort, gatewayPort);
    var tokens = accessByMember.Values.ToList();
    var (firstMs, cold) = await Scenarios.ValidateEachAsync(restarted, tokens);
    var (_, warm) = await Scenarios.ValidateEachAsync(restarted, tokens);
    Say($"Cold-session validation (after a restart: grain not active, state in SQLite), {tokens.Count} members, one request each, sequential. " +
        $"The first request the restarted front served took {firstMs:N1} ms (it also pays for the front's first-request set-up and JIT " +
        "compilation); the table is of the others:");
    Say("");
    Say("| validation | n | p50 | p99 | max | failed |");
    Say("|---|---:|---:|---:|---:|---:|");
    Say($"| cold (activates the session grain, reads SQLite) | {cold.Count} | {cold.P50Ms:N2} ms | {cold.P99Ms:N2} ms | {cold.MaxMs:N2} ms | {cold.Failed} |");
    Say($"| warm (same tokens again, first one left out as above) | {warm.Count} | {warm.P50Ms:N2} ms | {warm.P99Ms:N2} ms | {warm.MaxMs:N2} ms | {warm.Failed} |");
    Say("");
}

if (!options.Has("skip-hostile"))
{
    // The hostile rows: what an attacker's traffic costs (each starts its own embedded web front).
    Console.WriteLine("hostile load: forged-token flood, login storm");
    Say(await ForgedTokenFlood.RunAsync(root, options.Get("requests", 100_000), options.Get("threads", 2), options.Get("connections", 64)));
    Say("");
    var stormWrk = new Wrk(Path.Combine(root, "bench", "wrk", "report.lua"), options.Get("threads", 2), 8);
    Say(await LoginStorm.RunAsync(root, stormWrk, duration, warmup, rounds, options.Get("login-clients", 16), "bench/run login-storm"));
    Say("");
}

if (options.Has("skip-cluster"))
{
    Say("(cluster part skipped: --skip-cluster)");
}
else if (!OnPath("redis-server"))
{
    Say("(cluster part skipped: redis-server is not installed; apt-get install redis-server)");
}
else
{
    using var cluster = new Deployment(root, Path.Combine(work, "cluster"));
    Console.WriteLine("cluster: Redis, 2 silos, 2 web fronts");
    var (_, redis) = await cluster.StartRedisAsync();
    await cluster.StartSiloAsync(1, redis);
    await cluster.StartSiloAsync(2, redis);
    var (_, frontA) = await cluster.StartClientFrontAsync(1, redis);
    var (_, frontB) = await cluster.StartClientFrontAsync(2, redis);
    var setup = await BenchSetup.CreateAsync(frontA, 8);

    Say("## Cluster (Redis + 2 silos + web front as an Orleans client; load on one web front)");
    Say("");
    // Server CPU of a cluster row: every process of the cluster (Redis, both silos, both web fronts).
    var rows = await LoadAll(setup.Targets.Select(t => new Row(t.Name, new Uri(frontA, t.Path), t, cluster.Processes)).ToList(), null, "cluster ");
    Table(rows, baseline);
    Console.WriteLine("revocation across web fronts");
    var (staticRevocation, sessionRevocation) = await Scenarios.RevocationAsync(frontA, frontB, setup.Members[1], 10);
    Say("Revocation made through web front A, timed until web front B refuses the token (10 rounds):");
    Say("");
    Say("| revocation | p50 | max | not honoured within 5 s |");
    Say("|---|---:|---:|---:|");
    Say($"| static token (`DELETE /admin/apis/{{id}}/static-tokens/{{id}}`) | {staticRevocation.P50Ms:N0} ms | {staticRevocation.MaxMs:N0} ms | {staticRevocation.Failed} |");
    Say($"| member sessions (`DELETE /admin/members/{{id}}/sessions`) | {sessionRevocation.P50Ms:N0} ms | {sessionRevocation.MaxMs:N0} ms | {sessionRevocation.Failed} |");
    Say("");
}

var outPath = options.Value("out") ?? Path.Combine(root, "bench", "results", "latest.md");
Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
await File.WriteAllTextAsync(outPath, output.ToString());
Console.WriteLine($"report written to {outPath}; logs in {work}");
return 0;

void Table(List<(string Name, WrkResult Result)> rows, WrkResult reference)
{
    var none = rows.First(r => r.Name == "none").Result;
    rows = rows.Where(r => !r.Name.StartsWith(Peers.Prefix, StringComparison.Ordinal) && !r.Name.StartsWith(ComparePrefix, StringComparison.Ordinal)).ToList();
    Say("| mode | requests/s | p50 | p99 | p99.9 | vs `none` | vs `none`, per-round median | server CPU per request | requests per CPU-second vs `none` | vs baseline | p99 over `none` | non-2xx |");
    Say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var (name, r) in rows)
    {
        Say($"| {name} | {r.RequestsPerSecond:N0} | {r.P50 / 1000:N2} ms | {r.P99 / 1000:N2} ms | {r.P999 / 1000:N2} ms | " +
            $"{r.RequestsPerSecond / none.RequestsPerSecond:N2} | {r.PairedRatio(none):N2} | {r.MedianCpuPerRequest:N1} µs | {r.CpuEfficiencyRatio(none):N2} | " +
            $"{r.RequestsPerSecond / reference.RequestsPerSecond:N2} | {(r.P99 - none.P99) / 1000:+0.00;-0.00} ms | {r.Non2xx + r.SocketErrors} |");
    }

    Say("");
    Say("\"vs `none`\" divides the median rounds; \"per-round median\" is the median of the ratios of rounds that ran in the same rotation. " +
        "Server CPU per request is the CPU time (user + kernel) the serving processes used during a round divided by the requests served " +
        "(median of the rounds); it does not depend on how the cores were split between wrk and the server. Requests per CPU-second " +
        "vs `none` is the median of the per-round ratios of CPU per request.");
    Say("");
}

// Each row of this build next to the same row of the build given with --compare, and each row's ratio to
// its build's own `none` and baseline, so a change in the machine's speed during the run cancels out.
void CompareTable(List<(string Name, WrkResult Result)> rows, string other)
{
    var byName = rows.ToDictionary(r => r.Name, r => r.Result);
    var none = byName["none"];
    var otherNone = byName[ComparePrefix + "none"];
    var reference = byName[BaselineRow];
    Say($"This build next to {other}, same rounds:");
    Say("");
    Say("| mode | this build req/s | other build req/s | change | vs `none` (this / other) | vs baseline (this / other) | p99 (this / other) |");
    Say("|---|---:|---:|---:|---:|---:|---:|");
    foreach (var (name, now) in rows.Where(r => byName.ContainsKey(ComparePrefix + r.Name)))
    {
        var then = byName[ComparePrefix + name];
        Say($"| {name} | {now.RequestsPerSecond:N0} | {then.RequestsPerSecond:N0} | {(now.RequestsPerSecond / then.RequestsPerSecond) - 1:+0.0 %;-0.0 %} | " +
            $"{now.RequestsPerSecond / none.RequestsPerSecond:N2} / {then.RequestsPerSecond / otherNone.RequestsPerSecond:N2} | " +
            $"{now.RequestsPerSecond / reference.RequestsPerSecond:N2} / {then.RequestsPerSecond / reference.RequestsPerSecond:N2} | " +
            $"{now.P99 / 1000:N2} / {then.P99 / 1000:N2} ms |");
    }

    Say("");
}

static string FindRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Distributed.sln")))
            {
                return dir.FullName;
            }
        }
    }

    throw new InvalidOperationException("run the harness inside the repository (Distributed.sln not found)");
}

static string Git(string root, string arguments)
{
    try
    {
        using var git = Process.Start(new ProcessStartInfo("git", arguments) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        return text;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return "unknown";
    }
}

static string Machine()
{
    var cpu = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        : null;
    var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024;
    return $"{Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {memory:N0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
}

static bool OnPath(string program) => Deployment.OnPath(program);

/// <summary>A row of load: its name, the URL wrk loads, the credential it sends, and the processes whose CPU time serves it.</summary>
internal sealed record Row(string Name, Uri Url, ModeTarget? Target, IReadOnlyList<ChildProcess> Servers);

/// <summary>Command-line options: a command, <c>--name value</c> pairs, flags and bare numbers.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    /// <summary>What <c>--help</c> prints (and a wrong command line, after its error).</summary>
    public const string Usage = """
        usage: bench/run [command] [options]   (BENCHMARKS.md explains every table)
          run (default)      every mode next to its peers, embedded and on a 2-silo Redis cluster, logins, cold
                             sessions, forged-token flood, login storm, revocation
                             --duration 10 --rounds 3 --warmup 5 --settle 2 --connections 64 --threads 2 --members 64
                             --login-seconds 10 --skip-cluster --skip-peers --skip-hostile --compare <checkout>
                             --out bench/results/latest.md --trace <mode>
          sessions [1000000] issued sessions, 5 % kept in use: RSS and activations over time, cold/warm validation
                             --active-percent 5 --heap-limit-mib 768 --hold-seconds 180 --concurrency 8
                             --sample-seconds 15 --split 5000 --latency-samples 2000 --max-issue-seconds 0 --out <file>
          login-storm        token-check latency idle vs during a flood of logins
                             --duration 10 --rounds 3 --warmup 5 --connections 8 --login-clients 16 --out <file>
          forged             forged-token flood: random tokens per request, RSS and session activations
                             --requests 100000 --threads 2 --connections 64
          catalog 1 1000 100000   configuration changes with many APIs
                             --concurrency 32 --changes 5 --duration 5 --connections 16 --seed --out <file>
          --help             this text
        """;

    // Every option some command reads: anything else is a typo, refused before minutes of load are spent.
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "active-percent", "changes", "compare", "concurrency", "connections", "duration", "heap-limit-mib", "help", "hold",
        "hold-seconds", "latency-samples", "login-clients", "login-concurrency", "login-seconds", "max-issue-seconds",
        "members", "out", "requests", "rounds", "sample-seconds", "seed", "skip-cluster", "skip-hostile", "skip-peers",
        "split", "threads", "trace", "warmup",
    };

    public string Command { get; private set; } = "run";

    public List<int> Counts { get; } = [];

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "-h" or "help")
            {
                options._values["help"] = null;
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (!Known.Contains(args[i][2..]))
                {
                    throw new ArgumentException($"unknown option '{args[i]}'");
                }

                var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
                options._values[args[i][2..]] = hasValue ? args[++i] : null;
            }
            else if (int.TryParse(args[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
            {
                options.Counts.Add(count);
            }
            else
            {
                options.Command = args[i] is "run" or "sessions" or "login-storm" or "forged" or "catalog" ? args[i] : throw new ArgumentException($"unknown command '{args[i]}' (run, sessions, login-storm, forged, catalog)");
            }
        }

        if (options.Command == "catalog" && options.Counts.Count == 0)
        {
            options.Counts.Add(100_000);
        }

        return options;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Value(string name) => _values.GetValueOrDefault(name);

    public int Get(string name, int fallback) =>
        _values.TryGetValue(name, out var value) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : fallback;
}
