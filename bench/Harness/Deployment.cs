using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ApiSecurity.Testing;

namespace ApiSecurity.Bench;

/// <summary>
/// The processes of one benchmark run, started from the Release binaries: the embedded web front,
/// or Redis + silos + web fronts, and the plain ASP.NET Core baseline.
/// </summary>
public sealed class Deployment : IDisposable
{
    public const string AdminToken = "bench-admin-token-0123456789abcdef";

    private readonly string _root;
    private readonly List<ChildProcess> _processes = [];

    public Deployment(string root, string workDirectory)
    {
        _root = root;
        WorkDirectory = workDirectory;
        Directory.CreateDirectory(workDirectory);
    }

    public string WorkDirectory { get; }

    /// <summary>Every process this deployment started (servers, peers, Redis), in start order.</summary>
    public IReadOnlyList<ChildProcess> Processes => _processes;

    /// <summary>True when <paramref name="program"/> is on the PATH.</summary>
    public static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, program)));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The embedded web front (co-hosted silo, SQLite in <paramref name="dataDirectory"/>), as <c>dotnet run</c> starts it.</summary>
    public async Task<(ChildProcess Process, Uri Address)> StartEmbeddedAsync(string name, string dataDirectory, int siloPort, int gatewayPort)
    {
        var http = FreePort();
        var process = Track(ChildProcess.Start(name, "dotnet",
            [Binary("src", "WebFront"), "--urls", $"http://127.0.0.1:{http}", "--Admin:Token", AdminToken,
             "--Storage:Directory", dataDirectory, "--Silo:Port", Port(siloPort), "--Silo:GatewayPort", Port(gatewayPort)],
            WorkDirectory));
        var address = new Uri($"http://127.0.0.1:{http}");
        await WaitReadyAsync(address, process);
        return (process, address);
    }

    /// <summary>Starts a peer of bench/Baseline (<c>plain</c>, <c>slim</c>, <c>jwt</c>, <c>cookie</c>, <c>cookie-redis</c>) serving <paramref name="bodyFile"/>.</summary>
    public async Task<(ChildProcess Process, Uri Address)> StartBaselineAsync(string bodyFile, string mode = "plain", int? redisPort = null)
    {
        var http = FreePort();
        List<string> arguments = [Binary("bench", "Baseline"), "--urls", $"http://127.0.0.1:{http}", "--BodyFile", bodyFile, "--Mode", mode];
        if (redisPort is { } port)
        {
            arguments.AddRange(["--Redis", $"127.0.0.1:{Port(port)}"]);
        }

        var process = Track(ChildProcess.Start("peer-" + mode, "dotnet", [.. arguments], WorkDirectory));
        var address = new Uri($"http://127.0.0.1:{http}");
        await WaitReadyAsync(address, process);
        return (process, address);
    }

    public async Task<(ChildProcess Process, int Port)> StartRedisAsync()
    {
        var port = FreePort();
        var process = Track(ChildProcess.Start("redis", "redis-server",
            ["--port", Port(port), "--bind", "127.0.0.1", "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
             "--dir", WorkDirectory, "--protected-mode", "yes"],
            WorkDirectory));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return (process, port);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async Task<(ChildProcess Process, Uri Address)> StartSiloAsync(int index, int redisPort)
    {
        var http = FreePort();
        var process = Track(ChildProcess.Start($"silo{index}", "dotnet",
            [Binary("src", "Silo"), "--urls", $"http://127.0.0.1:{http}", .. ClusterArguments(redisPort),
             "--Silo:Port", Port(FreePort()), "--Silo:GatewayPort", Port(FreePort()),
             "--Admin:Token", AdminToken, "--Storage:Directory", Path.Combine(WorkDirectory, $"silo{index}")],
            WorkDirectory));
        var address = new Uri($"http://127.0.0.1:{http}");
        await WaitReadyAsync(address, process);
        return (process, address);
    }

    public async Task<(ChildProcess Process, Uri Address)> StartClientFrontAsync(int index, int redisPort)
    {
        var http = FreePort();
        var process = Track(ChildProcess.Start($"web{index}", "dotnet",
            [Binary("src", "WebFront"), "--urls", $"http://127.0.0.1:{http}", .. ClusterArguments(redisPort),
             "--Admin:Token", AdminToken, "--Storage:Directory", Path.Combine(WorkDirectory, $"web{index}")],
            WorkDirectory));
        var address = new Uri($"http://127.0.0.1:{http}");
        await WaitReadyAsync(address, process);
        return (process, address);
    }

    public void Dispose()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            process.Dispose();
        }
    }

    private ChildProcess Track(ChildProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string[] ClusterArguments(int redisPort) =>
        ["--Cluster:Redis", $"127.0.0.1:{redisPort}", "--Cluster:ClusterId", "bench", "--Cluster:ServiceId", "bench"];

    private string Binary(string folder, string project)
    {
        var path = Path.Combine(_root, folder, project, "bin", "Release", "net10.0", project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build Release first (bench/run does): {path} is missing");
    }

    private static async Task WaitReadyAsync(Uri address, ChildProcess process)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited during start-up; see its log");
            }

            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{process.Name} did not become ready at {address}");
    }
}
