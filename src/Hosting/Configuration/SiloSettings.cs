using System.Net;

namespace ApiSecurity.Hosting.Configuration;

/// <summary>A silo's endpoints (section <c>Silo</c>).</summary>
public sealed class SiloSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Silo";

    /// <summary>Default silo-to-silo port.</summary>
    public const int DefaultPort = 11111;

    /// <summary>Default client gateway port.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>Silo-to-silo port.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>Gateway port for clients (web fronts).</summary>
    public int GatewayPort { get; set; } = DefaultGatewayPort;

    /// <summary>The address other silos and clients use to reach this silo; loopback by default.</summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>Parses <see cref="AdvertisedIP"/>, defaulting to loopback.</summary>
    public IPAddress ResolveAdvertisedIP()
    {
        if (string.IsNullOrWhiteSpace(AdvertisedIP))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(AdvertisedIP, out var ip)
            ? ip
            : throw new InvalidOperationException($"Silo:AdvertisedIP '{AdvertisedIP}' is not an IP address.");
    }
}
