using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ApiSecurity.Hosting.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Connections.Security;

namespace ApiSecurity.Hosting.Cluster;

/// <summary>
/// The certificate this process presents to its cluster peers and the authority their certificates must
/// chain to, loaded from <see cref="ClusterTlsSettings"/>. A peer is identified by its CA alone (host
/// names are not checked: silos reach each other by IP), so the CA must sign nothing but this cluster's
/// processes.
/// </summary>
public sealed class ClusterTlsCredentials
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2Collection _anchors;

    private ClusterTlsCredentials(X509Certificate2 certificate, X509Certificate2Collection anchors)
    {
        Certificate = certificate;
        _anchors = anchors;
    }

    /// <summary>This process's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Loads the credentials; null when TLS is not configured. Throws <see cref="OptionsValidationException"/> with every problem found.</summary>
    public static ClusterTlsCredentials? Load(ClusterTlsSettings settings)
    {
        var failures = new List<string>();
        var credentials = TryLoad(settings, failures);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(ClusterTlsSettings.Section, typeof(ClusterTlsSettings), failures);
        }

        return credentials;
    }

    /// <summary>Loads the credentials, adding a readable message to <paramref name="failures"/> for each problem.</summary>
    internal static ClusterTlsCredentials? TryLoad(ClusterTlsSettings settings, List<string> failures)
    {
        if (!settings.Enabled)
        {
            if (!string.IsNullOrWhiteSpace(settings.Ca) || !string.IsNullOrEmpty(settings.Password))
            {
                failures.Add("Cluster:Tls:Ca or Cluster:Tls:Password is set but Cluster:Tls:Certificate is not: set the certificate (a PFX file) to turn on TLS between cluster processes, or remove the other Cluster:Tls settings.");
            }

            return null;
        }

        var certificate = LoadCertificate(settings, failures, out var bundled);
        var anchors = LoadAnchors(settings, bundled, failures);
        if (certificate is null || anchors is null)
        {
            return null;
        }

        var credentials = new ClusterTlsCredentials(certificate, anchors);
        if (!credentials.Chains(certificate, null))
        {
            failures.Add($"Cluster:Tls:Certificate '{settings.Certificate}' (subject '{certificate.Subject}') does not chain to {(string.IsNullOrWhiteSpace(settings.Ca) ? "a self-signed certificate in the same file" : $"Cluster:Tls:Ca '{settings.Ca}'")}, or it is expired: the other processes would refuse this one.");
            return null;
        }

        return credentials;
    }

    /// <summary>Applies mutual TLS to Orleans' connection options: present our certificate, require and check the peer's.</summary>
    public void Apply(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = IsTrustedPeer;
    }

    /// <summary>
    /// The remote-certificate check of both sides of a connection: the peer's certificate must chain to
    /// the configured CA. The platform's verdict is not used, since it checks the system's roots and a
    /// host name, neither of which identifies a member of this cluster.
    /// </summary>
    public bool IsTrustedPeer(X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors errors) =>
        (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0 && Chains(certificate, presented);

    private bool Chains(X509Certificate2 certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_anchors);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        // A peer both accepts and opens connections: its certificate must be meant for TLS servers and clients,
        // so a certificate the same CA issued for something else (e.g. signing) is not a cluster member.
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthentication));
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthentication));
        if (presented is not null)
        {
            // Intermediate certificates the peer sent along; they are trusted only if they chain to the CA.
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        return chain.Build(certificate);
    }

    private static X509Certificate2? LoadCertificate(ClusterTlsSettings settings, List<string> failures, out X509Certificate2Collection bundled)
    {
        bundled = [];
        var path = settings.Certificate!;
        if (!File.Exists(path))
        {
            failures.Add($"Cluster:Tls:Certificate: file '{path}' not found.");
            return null;
        }

        try
        {
            bundled = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, settings.Password);
        }
        catch (CryptographicException)
        {
            // The exception's text says nothing more useful and may differ by platform; the two causes are these.
            failures.Add($"Cluster:Tls:Certificate: cannot open '{path}': wrong Cluster:Tls:Password, or not a PKCS#12 (PFX) file.");
            return null;
        }

        var certificate = bundled.FirstOrDefault(c => c.HasPrivateKey);
        if (certificate is null)
        {
            failures.Add($"Cluster:Tls:Certificate: '{path}' holds no certificate with a private key.");
            return null;
        }

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault()?.EnhancedKeyUsages;
        if (usages is not null)
        {
            var oids = usages.Cast<Oid>().Select(o => o.Value).ToHashSet(StringComparer.Ordinal);
            if (!oids.Contains(ServerAuthentication) || !oids.Contains(ClientAuthentication))
            {
                failures.Add($"Cluster:Tls:Certificate: '{path}' must allow both TLS server and TLS client authentication (extended key usages {ServerAuthentication} and {ClientAuthentication}): every process both accepts and opens connections.");
                return null;
            }
        }

        return certificate;
    }

    private static X509Certificate2Collection? LoadAnchors(ClusterTlsSettings settings, X509Certificate2Collection bundled, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(settings.Ca))
        {
            var roots = new X509Certificate2Collection(bundled.Where(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData)).ToArray());
            if (roots.Count == 0 && bundled.Count > 0)
            {
                failures.Add("Cluster:Tls:Ca is required: give the PEM file of the certificate authority that signed the cluster's certificates (or put a self-signed certificate in the PFX).");
                return null;
            }

            return roots;
        }

        if (!File.Exists(settings.Ca))
        {
            failures.Add($"Cluster:Tls:Ca: file '{settings.Ca}' not found.");
            return null;
        }

        var anchors = new X509Certificate2Collection();
        try
        {
            anchors.ImportFromPemFile(settings.Ca);
        }
        catch (CryptographicException)
        {
            failures.Add($"Cluster:Tls:Ca: '{settings.Ca}' is not a PEM file of certificates.");
            return null;
        }

        if (anchors.Count == 0)
        {
            failures.Add($"Cluster:Tls:Ca: '{settings.Ca}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
            return null;
        }

        return anchors;
    }
}

/// <summary>Validates <see cref="ClusterTlsSettings"/> at start-up by loading the files they name.</summary>
public sealed class ClusterTlsSettingsValidator : IValidateOptions<ClusterTlsSettings>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, ClusterTlsSettings options)
    {
        var failures = new List<string>();
        ClusterTlsCredentials.TryLoad(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
