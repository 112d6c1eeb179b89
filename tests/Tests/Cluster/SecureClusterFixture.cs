using ApiSecurity.Tests.Infrastructure;

namespace ApiSecurity.Tests.Cluster;

/// <summary>
/// One cluster shared by the tests of <see cref="SecureClusterTests"/>: Redis with a password, two silos
/// and a web front, all with mutual TLS from certificates the test made. Each test leaves it running.
/// </summary>
public sealed class SecureClusterFixture : IDisposable
{
    public SecureClusterFixture()
    {
        var directory = WebFrontHost.NewDataDirectory();
        Certificates = new ClusterCertificates(Path.Combine(directory, "certificates"));
        Processes = new ClusterProcesses(Certificates);
        Redis = Processes.StartRedis();

        // The silos start side by side, to keep the run short; the web front waits for one of them.
        var silo2 = Task.Run(() => Processes.StartSilo(2));
        (Silo1, _) = Processes.StartSilo(1);
        (Web, WebAddress) = Processes.StartWebFront(1);
        (Silo2, _) = silo2.GetAwaiter().GetResult();
    }

    public ClusterCertificates Certificates { get; }

    public ClusterProcesses Processes { get; }

    public ChildProcess Redis { get; set; }

    public ChildProcess Silo1 { get; }

    public ChildProcess Silo2 { get; }

    public ChildProcess Web { get; }

    public Uri WebAddress { get; }

    /// <summary>An admin API client of the web front.</summary>
    public Admin NewAdmin()
    {
        var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = WebAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ClusterProcesses.AdminToken);
        return new Admin(http);
    }

    public void Dispose() => Processes.Dispose();
}
