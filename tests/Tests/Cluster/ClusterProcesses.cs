using System.Globalization;
using ApiSecurity.Tests.Infrastructure;

namespace ApiSecurity.Tests.Cluster;

/// <summary>
/// Starts the cluster deployment from the built binaries: a real <c>redis-server</c> (AOF, fsync always,
/// a password) on a loopback port, N × <c>src/Silo</c> and M × <c>src/WebFront</c> as processes, with
/// mutual TLS between them when <see cref="ClusterCertificates"/> are given.
/// </summary>
public sealed class ClusterProcesses : IDisposable
{
    public const string AdminToken = "cluster-test-admin-token-0123456789";

    private readonly string _root;
    private readonly string _configuration;
    /// <summary>Workstation GC in every child: several of them share this small machine with the test run.</summary>
    private static readonly IReadOnlyDictionary<string, string> ChildEnvironment = new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" };

    private static int _nextPortBlock = 20_000;

    private readonly List<ChildProcess> _all = [];
    private readonly int _ports = ReservePortBlock();
    private readonly ClusterCertificates? _tls;

    public ClusterProcesses(ClusterCertificates? tls = null)
    {
        _tls = tls;
        _root = FindRepositoryRoot();
        _configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        WorkDirectory = WebFrontHost.NewDataDirectory();
        RedisPort = WebFrontHost.FreePort();
        ClusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        RedisPassword = "redis-" + Guid.NewGuid().ToString("N");
    }

    /// <summary>Redis' <c>requirepass</c>: every process gets it in its <c>Cluster:Redis</c> connection string, and it must never be logged.</summary>
    public string RedisPassword { get; }

    public string WorkDirectory { get; }

    public int RedisPort { get; }

    public string ClusterId { get; }

    public ChildProcess StartRedis(string name = "redis")
    {
        var redis = ChildProcess.Start(name, "redis-server",
            ["--port", RedisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--appendonly", "yes", "--appendfsync", "always",
             "--save", "", "--dir", WorkDirectory, "--protected-mode", "yes", "--requirepass", RedisPassword],
            WorkDirectory, ChildEnvironment);
        lock (_all)
        {
            _all.Add(redis);
        }

        WaitForPort(RedisPort);
        return redis;
    }

    /// <summary>The silo-to-silo port of silo <paramref name="index"/> (0-9): the same for every start of that silo.</summary>
    public int SiloPort(int index) => _ports + CheckIndex(index);

    /// <summary>The gateway (client) port of silo <paramref name="index"/> (0-9).</summary>
    public int GatewayPort(int index) => _ports + 10 + CheckIndex(index);

    private static int CheckIndex(int index) =>
        index is >= 0 and < 10 ? index : throw new ArgumentOutOfRangeException(nameof(index), index, "a silo index is 0-9");

    /// <summary>
    /// The first of 20 ports for this cluster's silos, below Linux's ephemeral range (32768 and up): a port in
    /// that range may be held at the moment of start by an outgoing connection of any process of the test
    /// run, and a silo whose port is taken exits at start. Each cluster of this test process gets its own
    /// block, and a block in which any port is already bound on the machine is skipped.
    /// </summary>
    private static int ReservePortBlock()
    {
        while (true)
        {
            var start = Interlocked.Add(ref _nextPortBlock, 20) - 20;
            if (start + 20 > 32_000)
            {
                throw new InvalidOperationException("no free block of 20 ports left between 20000 and 32000");
            }

            if (Enumerable.Range(start, 20).All(IsFree))
            {
                return start;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public (ChildProcess Process, Uri Address) StartSilo(int index, params string[] settings)
    {
        var (silo, address) = LaunchSilo(index, settings);
        WaitHealthy(address, silo);
        return (silo, address);
    }

    /// <summary>Starts a silo process without waiting for it to become healthy (one that must not manage to join).</summary>
    public (ChildProcess Process, Uri Address) LaunchSilo(int index, params string[] settings)
    {
        var http = WebFrontHost.FreePort();
        var silo = ChildProcess.Start($"silo{index}", "dotnet",
            [Binary("Silo"), "--urls", $"http://127.0.0.1:{http}", .. ClusterArguments(),
             "--Silo:Port", SiloPort(index).ToString(CultureInfo.InvariantCulture),
             "--Silo:GatewayPort", GatewayPort(index).ToString(CultureInfo.InvariantCulture),
             "--Admin:Token", AdminToken, "--Storage:Directory", Path.Combine(WorkDirectory, $"silo{index}"), .. settings],
            WorkDirectory, ChildEnvironment);
        lock (_all)
        {
            _all.Add(silo);
        }

        return (silo, new Uri($"http://127.0.0.1:{http}"));
    }

    public (ChildProcess Process, Uri Address) StartWebFront(int index, params string[] settings)
    {
        var http = WebFrontHost.FreePort();
        var front = ChildProcess.Start($"web{index}", "dotnet",
            [Binary("WebFront"), "--urls", $"http://127.0.0.1:{http}", .. ClusterArguments(),
             "--Admin:Token", AdminToken, "--Storage:Directory", Path.Combine(WorkDirectory, $"web{index}"), .. settings],
            WorkDirectory, ChildEnvironment);
        lock (_all)
        {
            _all.Add(front);
        }

        var address = new Uri($"http://127.0.0.1:{http}");
        WaitHealthy(address, front);
        return (front, address);
    }

    /// <summary>An embedded web front (co-hosted silo, SQLite) as a process, with extra command-line settings.</summary>
    public (ChildProcess Process, Uri Address) StartEmbeddedWebFront(string name, params string[] settings)
    {
        var http = WebFrontHost.FreePort();
        var front = ChildProcess.Start(name, "dotnet",
            [Binary("WebFront"), "--urls", $"http://127.0.0.1:{http}", "--Admin:Token", AdminToken,
             "--Storage:Directory", Path.Combine(WorkDirectory, name),
             "--Silo:Port", WebFrontHost.FreePort().ToString(CultureInfo.InvariantCulture),
             "--Silo:GatewayPort", WebFrontHost.FreePort().ToString(CultureInfo.InvariantCulture), .. settings],
            WorkDirectory, ChildEnvironment);
        lock (_all)
        {
            _all.Add(front);
        }

        var address = new Uri($"http://127.0.0.1:{http}");
        WaitHealthy(address, front);
        return (front, address);
    }

    /// <summary>A web front or silo process with exactly <paramref name="arguments"/>, not waited for (start-up failures).</summary>
    public ChildProcess StartProcess(string name, string project, params string[] arguments)
    {
        var process = ChildProcess.Start(name, "dotnet", [Binary(project), .. arguments], WorkDirectory, ChildEnvironment);
        lock (_all)
        {
            _all.Add(process);
        }

        return process;
    }

    public void Dispose()
    {
        foreach (var process in _all)
        {
            process.Dispose();
        }
    }

    /// <summary>Fails when any of <paramref name="secrets"/> appears in the output of a process started so far.</summary>
    public void AssertNotLogged(params string[] secrets)
    {
        foreach (var file in Directory.GetFiles(WorkDirectory, "*.log"))
        {
            string text;
            using (var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
            {
                text = reader.ReadToEnd();
            }

            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"a secret ({secret[..Math.Min(6, secret.Length)]}…) appears in {Path.GetFileName(file)}");
            }
        }
    }

    /// <summary>The output of one process so far.</summary>
    public string ReadLog(string name)
    {
        using var reader = new StreamReader(new FileStream(Path.Combine(WorkDirectory, name + ".log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }

    private string[] ClusterArguments() =>
        ["--Cluster:Redis", $"127.0.0.1:{RedisPort},password={RedisPassword}", "--Cluster:ClusterId", ClusterId, "--Cluster:ServiceId", ClusterId,
         "--Logging:LogLevel:Default", "Warning", .. _tls?.Arguments() ?? []];

    private string Binary(string project)
    {
        var path = Path.Combine(_root, "src", project, "bin", _configuration, "net10.0", project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build the solution first ({_configuration}): {path} is missing");
    }

    private static void WaitForPort(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                Thread.Sleep(100);
            }
        }

        throw new TimeoutException($"nothing listens on port {port}: is redis-server installed (.ci/run installs it)?");
    }

    private void WaitHealthy(Uri address, ChildProcess process)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                process.WaitForExit(TimeSpan.FromSeconds(5));
                throw new InvalidOperationException($"{process.Name} exited during start-up (code {process.ExitCode}); the end of its log:\n{LogTail(process.Name)}");
            }

            try
            {
                if (client.GetAsync("/health/ready").GetAwaiter().GetResult().IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            Thread.Sleep(200);
        }

        throw new TimeoutException($"{process.Name} did not become healthy at {address}; the end of its log:\n{LogTail(process.Name)}");
    }

    /// <summary>The last lines of a process's output, for a failure message (the CI run keeps nothing else).</summary>
    private string LogTail(string name, int lines = 40)
    {
        var all = ReadLog(name).Split('\n');
        return string.Join('\n', all[Math.Max(0, all.Length - lines)..]);
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Distributed.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Distributed.sln not found above the test binaries");
    }
}
