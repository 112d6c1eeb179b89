using System.Threading;
using Orleans.TestingHost;

namespace ApiSecurity.Tests.Infrastructure;

/// <summary>
/// Gives every TestCluster of the test process its own silo and gateway ports. The clusters talk through
/// Orleans' in-memory transport, where a port is only a name in a process-wide table: two clusters given
/// the same port by the default allocator (which looks for ports free on the machine's sockets, and finds
/// none taken) overwrite each other's entry, and disposing one removed the other's gateway, so a whole
/// test class failed with "no such endpoint is currently registered".
/// </summary>
public static class TestClusterPorts
{
    private static int _next = 11_000;

    /// <summary>Sets <paramref name="builder"/>'s base ports to a range no other cluster of this process uses.</summary>
    public static void Assign(TestClusterBuilder builder)
    {
        var width = builder.Options.InitialSilosCount + 5;
        var start = Interlocked.Add(ref _next, 2 * width) - (2 * width);
        builder.Options.BaseSiloPort = start;
        builder.Options.BaseGatewayPort = start + width;
    }
}
