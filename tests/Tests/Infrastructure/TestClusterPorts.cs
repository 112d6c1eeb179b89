using System.Threading;
using Orleans.Runtime.Messaging;
using Orleans.TestingHost;

namespace ApiSecurity.Tests.Infrastructure;

/// <summary>
/// Builds and deploys the test process's TestClusters: each with its own silo and gateway ports (in Orleans'
/// in-memory transport a port is only a name in a process-wide table, and the default allocator, which
/// looks for ports free on the machine's sockets, can hand two clusters the same one), and a second and
/// third attempt when the cluster's own client cannot reach the new silo's gateway. On this 2-core CI machine
/// under a full test run that happened now and then at start-up ("no such endpoint is currently
/// registered"), failing a whole test class before any test ran; the tests themselves are not retried.
/// </summary>
public static class TestClusterPorts
{
    private static int _next = 11_000;

    /// <summary>Builds a cluster of <paramref name="silos"/> silos configured by <paramref name="configure"/> and deploys it.</summary>
    public static async Task<TestCluster> DeployAsync(short silos, Action<TestClusterBuilder> configure)
    {
        for (var attempt = 1; ; attempt++)
        {
            var builder = new TestClusterBuilder(silos);
            var width = silos + 5;
            var start = Interlocked.Add(ref _next, 2 * width) - (2 * width);
            builder.Options.BaseSiloPort = start;
            builder.Options.BaseGatewayPort = start + width;
            configure(builder);
            var cluster = builder.Build();
            try
            {
                await cluster.DeployAsync();
                return cluster;
            }
            catch (ConnectionFailedException) when (attempt < 3)
            {
                await cluster.DisposeAsync();
            }
        }
    }
}
