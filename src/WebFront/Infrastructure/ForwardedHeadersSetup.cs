using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace ApiSecurity.WebFront.Infrastructure;

/// <summary>
/// Trusted proxies (docs/security.md): <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are honoured
/// only from <c>ForwardedHeaders:KnownProxies</c> / <c>KnownNetworks</c>, read from the right, skipping
/// trusted proxies. With nothing configured the forwarded-headers middleware is not run at all:
/// ASP.NET Core's middleware treats empty <c>KnownProxies</c> and <c>KnownIPNetworks</c> as "trust every
/// proxy", so clearing its loopback default would believe every client's header.
/// </summary>
public static class ForwardedHeadersSetup
{
    /// <summary>Configures <see cref="ForwardedHeadersOptions"/> from configuration; throws on a bad entry.</summary>
    public static void Configure(ForwardedHeadersOptions options, IConfiguration configuration)
    {
        // X-Forwarded-Proto matters too: behind a TLS-terminating proxy it is what makes cookies Secure and
        // __Host- prefixed. X-Forwarded-Host is not taken: the Host header the proxy passes is used.
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        options.ForwardLimit = null;
        options.RequireHeaderSymmetry = false;

        foreach (var entry in ReadList(configuration, "ForwardedHeaders:KnownProxies"))
        {
            if (!IPAddress.TryParse(entry, out var address))
            {
                throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{entry}' is not an IP address.");
            }

            options.KnownProxies.Add(address);
            if (address.IsIPv4MappedToIPv6)
            {
                options.KnownProxies.Add(address.MapToIPv4());
            }
            else if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            {
                options.KnownProxies.Add(address.MapToIPv6());
            }
        }

        foreach (var entry in ReadList(configuration, "ForwardedHeaders:KnownNetworks"))
        {
            if (!System.Net.IPNetwork.TryParse(entry, out var network))
            {
                throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{entry}' is not a CIDR network.");
            }

            options.KnownIPNetworks.Add(network);
        }
    }

    /// <summary>
    /// Runs the forwarded-headers middleware only when a proxy is trusted. With nothing configured, the
    /// connection's address and scheme are the client's, whatever headers it sends.
    /// </summary>
    public static IApplicationBuilder UseTrustedForwardedHeaders(this IApplicationBuilder app, IConfiguration configuration)
    {
        if (AnyTrusted(configuration))
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    /// <summary>True when at least one proxy or network is trusted.</summary>
    public static bool AnyTrusted(IConfiguration configuration) =>
        ReadList(configuration, "ForwardedHeaders:KnownProxies").Any() || ReadList(configuration, "ForwardedHeaders:KnownNetworks").Any();

    /// <summary>A list given as an array section, or as one comma/semicolon separated value.</summary>
    private static IEnumerable<string> ReadList(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.GetChildren().Select(c => c.Value).ToList();
        values.Add(section.Value);
        return values
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .SelectMany(v => v!.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase);
    }
}
