using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ApiSecurity.Tests.Infrastructure;

namespace ApiSecurity.Tests.Cluster;

/// <summary>
/// A web front that cannot listen because another process holds one of its ports says which one in one line
/// on standard error and exits with code 2: no unhandled exception, no abort.
/// </summary>
public sealed class PortTakenTests : IDisposable
{
    private readonly ClusterProcesses _processes = new();

    public void Dispose() => _processes.Dispose();

    [Theory]
    [InlineData("--urls")]
    [InlineData("--Silo:Port")]
    [InlineData("--Silo:GatewayPort")]
    public void APortHeldByAnotherProcess_StopsTheStart_WithOneLine(string taken)
    {
        // Given another process listening on loopback port P
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        string Port(string setting) => (setting == taken ? port : WebFrontHost.FreePort()).ToString(CultureInfo.InvariantCulture);

        // When a web front is started with P as its HTTP, silo or gateway port
        var name = "web-" + taken.TrimStart('-').Replace(':', '-');
        var front = _processes.StartProcess(name, "WebFront",
            "--urls", $"http://127.0.0.1:{Port("--urls")}", "--Admin:Token", ClusterProcesses.AdminToken,
            "--Storage:Directory", Path.Combine(_processes.WorkDirectory, name),
            "--Silo:Port", Port("--Silo:Port"), "--Silo:GatewayPort", Port("--Silo:GatewayPort"));

        // Then it exits with code 2 and a line naming what to change, not an unhandled exception
        Assert.True(front.WaitForExit(TimeSpan.FromSeconds(90)), "the web front should give up, not hang");
        var log = _processes.ReadLog(name);
        Assert.Equal(2, front.ExitCode);
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
        var error = Assert.Single(log.Split('\n'), l => l.StartsWith("error: ", StringComparison.Ordinal));
        if (taken == "--urls")
        {
            Assert.Contains($"Failed to bind to address http://127.0.0.1:{port}", error, StringComparison.Ordinal);
        }
        else
        {
            // Orleans does not say which of its ports; the line names both, and the log line it points to names the listener
            Assert.Contains("a cluster port is already in use", error, StringComparison.Ordinal);
            Assert.Contains("--Silo:Port and --Silo:GatewayPort", error, StringComparison.Ordinal);
            Assert.Contains(taken == "--Silo:Port" ? "'SiloConnectionListener' failed to start" : "'GatewayConnectionListener' failed to start", log, StringComparison.Ordinal);
        }
    }
}
