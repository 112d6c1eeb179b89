using System.Net.Security;
using ApiSecurity.Hosting.Cluster;
using ApiSecurity.Hosting.Configuration;
using ApiSecurity.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace ApiSecurity.Tests.Cluster;

/// <summary>
/// <c>Cluster:Tls:*</c> as an operator writes it: a mistake stops start-up with a message that names the
/// setting and the cause, and a valid set accepts exactly the peers whose certificate the CA signed.
/// </summary>
public sealed class ClusterTlsSettingsTests
{
    private static readonly ClusterCertificates Certificates = new(Path.Combine(WebFrontHost.NewDataDirectory(), "certificates"));

    [Fact]
    public void Load_AcceptsOnlyPeersSignedByTheCa()
    {
        var credentials = ClusterTlsCredentials.Load(new ClusterTlsSettings { Certificate = Certificates.MemberPath, Password = Certificates.Password, Ca = Certificates.CaPath });

        Assert.NotNull(credentials);
        Assert.True(credentials.IsTrustedPeer(Certificates.Member, null, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(credentials.IsTrustedPeer(Certificates.Stranger, null, SslPolicyErrors.None));
        Assert.False(credentials.IsTrustedPeer(Certificates.Foreign, null, SslPolicyErrors.None));
        Assert.False(credentials.IsTrustedPeer(Certificates.SigningOnly, null, SslPolicyErrors.None));
    }

    [Fact]
    public void Load_ReturnsNull_WhenNothingIsConfigured() =>
        Assert.Null(ClusterTlsCredentials.Load(new ClusterTlsSettings()));

    [Theory]
    [InlineData("ca-without-certificate", "Cluster:Tls:Certificate is not")]
    [InlineData("missing-certificate", "not found")]
    [InlineData("wrong-password", "wrong Cluster:Tls:Password")]
    [InlineData("missing-ca", "Cluster:Tls:Ca")]
    [InlineData("certificate-from-another-ca", "does not chain")]
    public void Load_FailsStartUp_WithAMessageNamingTheCause(string mistake, string expected)
    {
        var settings = mistake switch
        {
            "ca-without-certificate" => new ClusterTlsSettings { Ca = Certificates.CaPath },
            "missing-certificate" => new ClusterTlsSettings { Certificate = Certificates.MemberPath + ".missing", Password = Certificates.Password, Ca = Certificates.CaPath },
            "wrong-password" => new ClusterTlsSettings { Certificate = Certificates.MemberPath, Password = "not-the-password", Ca = Certificates.CaPath },
            "missing-ca" => new ClusterTlsSettings { Certificate = Certificates.MemberPath, Password = Certificates.Password, Ca = Certificates.CaPath + ".missing" },
            _ => new ClusterTlsSettings { Certificate = Certificates.ForeignPath, Password = Certificates.Password, Ca = Certificates.CaPath },
        };

        var failure = Assert.Throws<OptionsValidationException>(() => ClusterTlsCredentials.Load(settings));

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Certificates.Password, failure.Message, StringComparison.Ordinal);
    }
}
