using System.Diagnostics;
using System.Globalization;

namespace ApiSecurity.Bench;

/// <summary>One wrk run's figures (latencies in microseconds).</summary>
public sealed record WrkResult(long Requests, double Seconds, long Non2xx, long SocketErrors, double P50, double P90, double P99, double P999, double Max)
{
    public double RequestsPerSecond => Requests / Seconds;

    /// <summary>Requests/s of every round of the row, in round order, when this result is a row's median round.</summary>
    public IReadOnlyList<double> Rounds { get; init; } = [];

    /// <summary>
    /// The median of this row's per-round ratios to <paramref name="other"/>'s rounds (round i of one row ran in
    /// the same rotation as round i of the other, so drift of the machine between rounds cancels out); the ratio
    /// of the median rounds when either has no rounds.
    /// </summary>
    public double PairedRatio(WrkResult other) =>
        Rounds.Count == 0 || Rounds.Count != other.Rounds.Count
            ? RequestsPerSecond / other.RequestsPerSecond
            : Median(Rounds.Zip(other.Rounds, (a, b) => a / b));

    /// <summary>
    /// CPU time (user + kernel) the processes serving the row used per request during the wrk run, in
    /// microseconds; NaN when not measured. Unlike requests/s it does not depend on how the shared cores were
    /// split between wrk and the server.
    /// </summary>
    public double CpuPerRequest { get; init; } = double.NaN;

    /// <summary><see cref="CpuPerRequest"/> of every round of the row, in round order.</summary>
    public IReadOnlyList<double> CpuRounds { get; init; } = [];

    /// <summary>The median of the row's per-round CPU per request (this result's own figure when it has no rounds).</summary>
    public double MedianCpuPerRequest => CpuRounds.Count == 0 ? CpuPerRequest : Median(CpuRounds);

    /// <summary>
    /// Requests per CPU-second of this row over <paramref name="other"/>'s, read like a requests/s ratio (above 1
    /// when this row costs the server less): the median of the per-round ratios, as <see cref="PairedRatio"/>,
    /// since the machine's speed drifts between rounds for CPU time too; the ratio of the medians when either
    /// has no rounds.
    /// </summary>
    public double CpuEfficiencyRatio(WrkResult other) =>
        CpuRounds.Count == 0 || CpuRounds.Count != other.CpuRounds.Count
            ? other.MedianCpuPerRequest / MedianCpuPerRequest
            : Median(CpuRounds.Zip(other.CpuRounds, (mine, theirs) => theirs / mine));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

/// <summary>Drives <c>wrk</c> (loopback only, bounded in time) with <c>bench/wrk/report.lua</c>.</summary>
public sealed class Wrk(string script, int threads, int connections)
{
    public int Connections => connections;

    public static bool IsInstalled()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("wrk", "--version") { RedirectStandardOutput = true, RedirectStandardError = true });
            probe!.WaitForExit(5_000);
            return true;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public async Task<WrkResult> RunAsync(Uri url, TimeSpan duration, string? headerName = null, string? headerValue = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!url.IsLoopback)
        {
            throw new ArgumentException("the harness only sends load to loopback", nameof(url));
        }

        var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                     "-d", $"{(int)duration.TotalSeconds}s", "--timeout", "5s", "-s", script, url.ToString() })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["BENCH_HEADER_NAME"] = headerName ?? string.Empty;
        info.Environment["BENCH_HEADER_VALUE"] = headerValue ?? string.Empty;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("BENCH ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no summary: {output} {error}");
        var fields = line[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('='))
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        return new WrkResult(
            (long)fields["requests"], fields["duration_us"] / 1e6, (long)fields["non2xx"],
            (long)(fields["connect"] + fields["read"] + fields["write"] + fields["timeout"]),
            fields["p50_us"], fields["p90_us"], fields["p99_us"], fields["p999_us"], fields["max_us"]);
    }
}
