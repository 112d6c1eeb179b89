using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>Members, APIs, static tokens and live sessions survive a restart (real SQLite file).</summary>
public sealed class PersistenceTests
{
    [Fact]
    public async Task EverythingIssuedBeforeARestart_StillWorksAfterIt()
    {
        await using var host = await WebFrontHost.StartAsync();
        var admin = new Admin(host.CreateClient(admin: true));
        var client = host.CreateClient();
        var staticApi = await admin.CreateFullApiAsync("static_token");
        var dynamicApi = await admin.CreateFullApiAsync("dynamic_token");
        var cookieApi = await admin.CreateFullApiAsync("cookie");
        await admin.SetSecurityAsync(cookieApi, "cookie", "127.0.0.0/8 # loopback", "2001:db8::/32");
        var (_, staticToken) = await admin.IssueStaticTokenAsync(staticApi, "survives");
        var (memberId, email, password) = await admin.RegisterMemberAsync();
        var (access, refresh, _) = await LoginDynamicAsync(client, dynamicApi, email, password);
        var (cookie, _) = await LoginCookieAsync(client, cookieApi, email, password, loginSave: 1);

        await host.RestartAsync();
        admin = new Admin(host.CreateClient(admin: true));
        client = host.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{staticApi}/content/doc", staticToken)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{dynamicApi}/profile", access)).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"/rcms-api/{dynamicApi}/token", new { grant_token = "", refresh_token = refresh })).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{cookieApi}/content/doc", cookie: cookie)).Status);
        var member = await admin.OkJsonAsync(HttpMethod.Get, $"/admin/members/{memberId}");
        Assert.Equal(email, member["email"]!.GetValue<string>());
        var api = await admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{cookieApi}");
        Assert.Equal("cookie", api["security"]!["mode"]!.GetValue<string>());
        Assert.Equal(2, api["security"]!["ip_restriction"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"/rcms-api/{dynamicApi}/login", new { email, password })).Status);
    }

    [Fact]
    public async Task Database_HoldsNoUsableToken()
    {
        await using var host = await WebFrontHost.StartAsync();
        var admin = new Admin(host.CreateClient(admin: true));
        var client = host.CreateClient();
        var apiId = await admin.CreateFullApiAsync("static_token");
        var (_, staticToken) = await admin.IssueStaticTokenAsync(apiId);
        var dynamicApi = await admin.CreateFullApiAsync("dynamic_token");
        var (_, email, password) = await admin.RegisterMemberAsync();
        var (access, refresh, _) = await LoginDynamicAsync(client, dynamicApi, email, password);

        await host.RestartAsync();

        var bytes = new List<byte>();
        foreach (var file in Directory.GetFiles(host.DataDirectory, "apisecurity.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            bytes.AddRange(memory.ToArray());
        }

        var dump = System.Text.Encoding.Latin1.GetString(bytes.ToArray());
        Assert.Contains(email, dump);
        foreach (var secret in new[] { staticToken, access.Split('.')[1], refresh!.Split('.')[1], password })
        {
            Assert.DoesNotContain(secret, dump);
        }
    }

    [Fact, System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task DataFolderAndDatabase_AreReadableByTheirOwnerOnly()
    {
        var parent = WebFrontHost.NewDataDirectory();
        var dataDirectory = Path.Combine(parent, "data");
        await using (var host = await WebFrontHost.StartAsync(dataDirectory))
        {
            var admin = new Admin(host.CreateClient(admin: true));
            await admin.RegisterMemberAsync();

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dataDirectory));
            var files = Directory.GetFiles(dataDirectory, "apisecurity.db*");
            Assert.Contains(files, f => f.EndsWith("apisecurity.db", StringComparison.Ordinal));
            Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        }

        Directory.Delete(parent, recursive: true);
    }
}
