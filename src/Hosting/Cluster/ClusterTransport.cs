using ApiSecurity.Hosting.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiSecurity.Hosting.Cluster;

/// <summary>
/// How the processes of a cluster talk to each other: mutual TLS when <c>Cluster:Tls:Certificate</c> is
/// set, otherwise plain TCP with a start-up warning (anyone who reaches an Orleans port can call any
/// grain: switch an API to <c>none</c>, mint a session).
/// </summary>
public static class ClusterTransport
{
    /// <summary>Validates the TLS settings at start-up, loads the certificates and turns TLS on for a silo's connections. False when TLS is off.</summary>
    public static bool UseClusterTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        var credentials = Register(silo.Services, configuration);
        if (credentials is not null)
        {
            silo.UseTls(credentials.Apply);
        }

        return credentials is not null;
    }

    /// <summary>The same for a client (a web front): its connections to the silos' gateways.</summary>
    public static bool UseClusterTls(this IClientBuilder client, IConfiguration configuration)
    {
        var credentials = Register(client.Services, configuration);
        if (credentials is not null)
        {
            client.UseTls(credentials.Apply);
        }

        return credentials is not null;
    }

    private static ClusterTlsCredentials? Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<ClusterTlsSettings>, ClusterTlsSettingsValidator>();
        services.AddOptions<ClusterTlsSettings>().Bind(configuration.GetSection(ClusterTlsSettings.Section)).ValidateOnStart();

        // Orleans takes the certificate while the host is built, before ValidateOnStart runs: load it now,
        // so that a missing file or a wrong password fails start-up with the same clear message.
        var credentials = ClusterTlsCredentials.Load(configuration.GetSettings<ClusterTlsSettings>(ClusterTlsSettings.Section));
        if (credentials is null)
        {
            services.AddHostedService<OpenPortsWarning>();
        }

        return credentials;
    }
}
