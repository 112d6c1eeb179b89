using System.Net.Sockets;

namespace ApiSecurity.Tests.Infrastructure;

/// <summary>HTTP clients whose connections come from a chosen loopback address (any 127.0.0.0/8 address is loopback).</summary>
public static class LoopbackClient
{
    /// <summary>A client of <paramref name="baseAddress"/> whose connections come from <paramref name="localAddress"/>.</summary>
    public static HttpClient From(Uri baseAddress, string localAddress)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }
}
