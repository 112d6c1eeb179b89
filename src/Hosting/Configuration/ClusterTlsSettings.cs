namespace ApiSecurity.Hosting.Configuration;

/// <summary>
/// TLS between the processes of a cluster (section <c>Cluster:Tls</c>): silo to silo and web front to
/// silo, mutually authenticated. Every process presents <see cref="Certificate"/> and accepts a peer only
/// when the peer's certificate chains to <see cref="Ca"/>. Unset <see cref="Certificate"/> means no TLS.
/// </summary>
public sealed class ClusterTlsSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Cluster:Tls";

    /// <summary>A PKCS#12 (PFX) file with this process's certificate and its private key.</summary>
    public string? Certificate { get; set; }

    /// <summary>The password of <see cref="Certificate"/>, if it has one.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// A PEM file with the certificate authority (one or more certificates) that every peer's certificate
    /// must chain to. When unset, the self-signed certificates inside the PFX are the authority.
    /// </summary>
    public string? Ca { get; set; }

    /// <summary>True when <see cref="Certificate"/> is set.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Certificate);
}
