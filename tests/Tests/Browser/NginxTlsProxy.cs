using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ApiSecurity.Tests.Infrastructure;

namespace ApiSecurity.Tests.Browser;

/// <summary>
/// A real TLS-terminating nginx (Debian's <c>nginx</c>, installed by <c>.ci/run</c>) started as a child
/// process on a loopback port, with its own configuration, pid file, logs and a certificate made here:
/// a test CA and a leaf for <see cref="ApiHost"/> and <see cref="FrontHost"/>. <see cref="ApiHost"/>
/// proxies to a web front with the usual forwarding headers; <see cref="FrontHost"/> serves a folder
/// of static files (the front-end). Two host names, so the page and the API are on different sites.
/// </summary>
public sealed class NginxTlsProxy : IAsyncDisposable
{
    /// <summary>The API's host name (mapped to loopback in the browser).</summary>
    public const string ApiHost = "api.test";

    /// <summary>The front-end's host name (mapped to loopback in the browser).</summary>
    public const string FrontHost = "front.test";

    private readonly Process _process;
    private readonly string _directory;

    private NginxTlsProxy(Process process, string directory, int port, string spkiSha256)
    {
        _process = process;
        _directory = directory;
        Port = port;
        SpkiSha256 = spkiSha256;
    }

    /// <summary>The loopback port both host names are served on.</summary>
    public int Port { get; }

    /// <summary>Base64 SHA-256 of the leaf's SubjectPublicKeyInfo, for <c>--ignore-certificate-errors-spki-list</c>.</summary>
    public string SpkiSha256 { get; }

    /// <summary><c>https://api.test:{port}</c>.</summary>
    public string ApiOrigin => $"https://{ApiHost}:{Port}";

    /// <summary><c>https://front.test:{port}</c>.</summary>
    public string FrontOrigin => $"https://{FrontHost}:{Port}";

    /// <summary>Chromium switches that resolve both host names to loopback and trust the leaf's key.</summary>
    public IReadOnlyList<string> ChromiumArgs =>
    [
        $"--host-resolver-rules=MAP {FrontHost} 127.0.0.1, MAP {ApiHost} 127.0.0.1",
        $"--ignore-certificate-errors-spki-list={SpkiSha256}",
    ];

    /// <summary>Path of the nginx binary, or null when nginx is not installed.</summary>
    public static string? FindNginx() =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx" }.FirstOrDefault(File.Exists);

    /// <summary>Starts nginx in front of <paramref name="upstream"/>, serving <paramref name="frontRoot"/> as the front-end.</summary>
    public static async Task<NginxTlsProxy> StartAsync(Uri upstream, string frontRoot)
    {
        var nginx = FindNginx() ?? throw new InvalidOperationException("nginx is not installed: apt-get install nginx (.ci/run installs it)");
        var directory = Path.Combine(Path.GetTempPath(), "apisecurity-nginx", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(directory, "logs"));

        // nginx's workers may run as another user: give them a world-readable copy of the front-end.
        var root = Path.Combine(directory, "front");
        CopyDirectory(frontRoot, root);

        var spki = WriteCertificate(directory);
        var port = WebFrontHost.FreePort();
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/logs/error.log warn;
            events { worker_connections 256; }
            http {
              access_log {{directory}}/logs/access.log;
              client_body_temp_path {{directory}}/body;
              proxy_temp_path {{directory}}/proxy;
              fastcgi_temp_path {{directory}}/fastcgi;
              uwsgi_temp_path {{directory}}/uwsgi;
              scgi_temp_path {{directory}}/scgi;
              types { text/html html; text/javascript js mjs; text/plain md; }
              ssl_certificate {{directory}}/chain.pem;
              ssl_certificate_key {{directory}}/leaf.key;
              server {
                listen 127.0.0.1:{{port}} ssl;
                server_name {{ApiHost}};
                location / {
                  proxy_pass {{upstream.GetLeftPart(UriPartial.Authority)}};
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                  proxy_set_header X-Forwarded-Proto $scheme;
                  proxy_set_header Host $http_host;
                }
              }
              server {
                listen 127.0.0.1:{{port}} ssl;
                server_name {{FrontHost}};
                root {{root}};
              }
            }
            """);

        var start = new ProcessStartInfo(nginx)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-p", directory, "-e", Path.Combine(directory, "logs", "error.log"), "-c", config, "-g", "daemon off;" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var proxy = new NginxTlsProxy(process, directory, port, spki);
        await proxy.WaitUntilListeningAsync();
        return proxy;
    }

    /// <summary>Stops nginx (its own process only) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {ReadLog()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private string ReadLog()
    {
        var log = Path.Combine(_directory, "logs", "error.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no error log)";
    }

    /// <summary>A CA and a leaf it signs for both host names; writes the chain and key, returns the leaf's SPKI hash.</summary>
    private static string WriteCertificate(string directory)
    {
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = DateTimeOffset.UtcNow.AddDays(1);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=apisecurity test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest($"CN={ApiHost}", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(ApiHost);
        names.AddDnsName(FrontHost);
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leaf = leafRequest.Create(ca, notBefore, notAfter.AddMinutes(-1), RandomNumberGenerator.GetBytes(16));

        File.WriteAllText(Path.Combine(directory, "chain.pem"), leaf.ExportCertificatePem() + "\n" + ca.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(directory, "leaf.key"), leafKey.ExportPkcs8PrivateKeyPem() + "\n");
        return Convert.ToBase64String(SHA256.HashData(leaf.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
