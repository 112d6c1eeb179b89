using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ApiSecurity.Tests.Cluster;

/// <summary>
/// Certificates made by the test, as an operator would make them: a cluster CA (PEM) and a member
/// certificate it signed (PFX with a password, usable as TLS server and client); plus a stranger's
/// self-signed certificate and a certificate from another CA, which the cluster must refuse.
/// </summary>
public sealed class ClusterCertificates
{
    private static readonly OidCollection ServerAndClient = [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")];

    public ClusterCertificates(string directory)
    {
        Directory.CreateDirectory(directory);
        Password = "pfx-" + Guid.NewGuid().ToString("N");
        using var ca = NewAuthority("CN=api-security test cluster CA");
        CaPath = Path.Combine(directory, "cluster-ca.pem");
        File.WriteAllText(CaPath, ca.ExportCertificatePem());
        Member = Issue(ca, "CN=cluster member");
        SigningOnly = Issue(ca, "CN=code signing", [new Oid("1.3.6.1.5.5.7.3.3")]);
        MemberPath = Path.Combine(directory, "member.pfx");
        File.WriteAllBytes(MemberPath, Member.Export(X509ContentType.Pfx, Password));

        Stranger = SelfSigned("CN=stranger");
        using var otherCa = NewAuthority("CN=another CA");
        Foreign = Issue(otherCa, "CN=cluster member");
        ForeignCaPath = Path.Combine(directory, "another-ca.pem");
        File.WriteAllText(ForeignCaPath, otherCa.ExportCertificatePem());
        ForeignPath = Path.Combine(directory, "foreign.pfx");
        File.WriteAllBytes(ForeignPath, Foreign.Export(X509ContentType.Pfx, Password));
    }

    /// <summary>The password of both PFX files.</summary>
    public string Password { get; }

    /// <summary>The cluster CA, PEM.</summary>
    public string CaPath { get; }

    /// <summary>A certificate the cluster CA signed, with its key.</summary>
    public X509Certificate2 Member { get; }

    /// <summary>A certificate the cluster CA signed for code signing only, not for TLS.</summary>
    public X509Certificate2 SigningOnly { get; }

    /// <summary><see cref="Member"/> as a PFX file.</summary>
    public string MemberPath { get; }

    /// <summary>A self-signed certificate: nobody vouches for it.</summary>
    public X509Certificate2 Stranger { get; }

    /// <summary>A certificate signed by another CA, otherwise like <see cref="Member"/>.</summary>
    public X509Certificate2 Foreign { get; }

    /// <summary><see cref="Foreign"/> as a PFX file.</summary>
    public string ForeignPath { get; }

    /// <summary>The other CA, PEM.</summary>
    public string ForeignCaPath { get; }

    /// <summary>The settings that turn TLS on for a process, as an operator writes them.</summary>
    public string[] Arguments() =>
        ["--Cluster:Tls:Certificate", MemberPath, "--Cluster:Tls:Password", Password, "--Cluster:Tls:Ca", CaPath];

    private static X509Certificate2 NewAuthority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string subject, OidCollection? usages = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = MemberRequest(subject, key, usages);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(16));
        return ReloadWithKey(issued.CopyWithPrivateKey(key));
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ReloadWithKey(MemberRequest(subject, key).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7)));
    }

    private static CertificateRequest MemberRequest(string subject, ECDsa key, OidCollection? usages = null)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages ?? ServerAndClient, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    // A certificate whose key was attached in memory is reloaded from a PFX, the form TLS stacks handle everywhere.
    private static X509Certificate2 ReloadWithKey(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
        }
    }
}
