using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ApiSecurity.Bench;

/// <summary>A URL to load and the one header that authenticates it.</summary>
public sealed record ModeTarget(string Name, string Path, string? HeaderName, string? HeaderValue);

/// <summary>A registered member the harness can log in as.</summary>
public sealed record BenchMember(long Id, string Email, string Password);

/// <summary>
/// Creates, through the admin API, one API per mode with a <c>Content / Document / get</c> endpoint
/// at <c>content</c>, members to log in with, and a credential for each mode.
/// </summary>
public sealed class BenchSetup
{
    public const string None = "bench-none";
    public const string Static = "bench-static";
    public const string Dynamic = "bench-dynamic";
    public const string Cookie = "bench-cookie";
    public const string IpList = "bench-ip50";

    private static readonly object Document = new
    {
        details = new { topics_id = 1, subject = "Benchmark document", contents = "Served by Content / Document / get.", tags = new[] { "bench", "api", "security" } },
    };

    public IReadOnlyList<BenchMember> Members { get; private init; } = [];

    public IReadOnlyList<ModeTarget> Targets { get; private init; } = [];

    public static HttpClient Client(Uri address, bool admin = false)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 256 }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        if (admin)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Deployment.AdminToken);
        }

        return client;
    }

    public static async Task<BenchSetup> CreateAsync(Uri front, int memberCount)
    {
        using var admin = Client(front, admin: true);
        foreach (var api in new[] { None, Static, Dynamic, Cookie, IpList })
        {
            await OkAsync(admin, HttpMethod.Put, $"/admin/apis/{api}", new { name = api });
            await OkAsync(admin, HttpMethod.Post, $"/admin/apis/{api}/endpoints",
                new { method = "GET", path = "content", category = "Content", model = "Document", operation = "get", settings = new { document = Document } });
            await OkAsync(admin, HttpMethod.Post, $"/admin/apis/{api}/endpoints",
                new { method = "POST", path = "login", category = "Authentication", model = "Login", operation = "login_challenge" });
            await OkAsync(admin, HttpMethod.Post, $"/admin/apis/{api}/endpoints",
                new { method = "POST", path = "token", category = "Authentication", model = "Login", operation = "token" });
        }

        var members = new BenchMember[memberCount];
        await Parallel.ForEachAsync(Enumerable.Range(0, memberCount), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var email = $"bench-{i}@example.com";
            var password = $"bench-password-{i}";
            var member = await OkAsync(admin, HttpMethod.Post, "/admin/members", new { email, password, name1 = "Bench", name2 = $"Member {i}" });
            members[i] = new BenchMember(member["member_id"]!.GetValue<long>(), email, password);
        });

        await OkAsync(admin, HttpMethod.Put, $"/admin/apis/{Static}/security", new { mode = "static_token", ip_restriction = Array.Empty<string>() });
        await OkAsync(admin, HttpMethod.Put, $"/admin/apis/{Dynamic}/security", new { mode = "dynamic_token", ip_restriction = Array.Empty<string>() });
        await OkAsync(admin, HttpMethod.Put, $"/admin/apis/{Cookie}/security", new { mode = "cookie", ip_restriction = Array.Empty<string>() });
        await OkAsync(admin, HttpMethod.Put, $"/admin/apis/{IpList}/security", new { mode = "none", ip_restriction = FiftyEntries() });

        var staticToken = (await OkAsync(admin, HttpMethod.Post, $"/admin/apis/{Static}/static-tokens",
            new { memo = "bench", expires_at = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds() }))["value"]!.GetValue<string>();

        using var client = Client(front);
        var (grant, _) = await LoginAsync(client, Dynamic, members[0]);
        var access = await ExchangeAsync(client, grant!);
        var (_, cookie) = await LoginAsync(client, Cookie, members[0]);

        return new BenchSetup
        {
            Members = members,
            Targets =
            [
                new ModeTarget("none", $"/rcms-api/{None}/content", null, null),
                new ModeTarget("static_token", $"/rcms-api/{Static}/content", "X-RCMS-API-ACCESS-TOKEN", staticToken),
                new ModeTarget("dynamic_token", $"/rcms-api/{Dynamic}/content", "X-RCMS-API-ACCESS-TOKEN", access),
                new ModeTarget("cookie", $"/rcms-api/{Cookie}/content", "Cookie", cookie),
                new ModeTarget("none + 50 IP entries", $"/rcms-api/{IpList}/content", null, null),
            ],
        };
    }

    /// <summary>Logs in; returns the grant token (dynamic) or the session cookie pair <c>name=value</c> (cookie).</summary>
    public static async Task<(string? Grant, string? Cookie)> LoginAsync(HttpClient client, string api, BenchMember member)
    {
        using var response = await client.PostAsJsonAsync($"/rcms-api/{api}/login", new { email = member.Email, password = member.Password });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"login on {api} → {(int)response.StatusCode}: {body}");
        }

        var cookie = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0]).FirstOrDefault(v => v.Contains("rcms_api_access_token=", StringComparison.Ordinal))
            : null;
        return (JsonNode.Parse(body)?["grant_token"]?.GetValue<string>(), cookie);
    }

    public static async Task<string> ExchangeAsync(HttpClient client, string grant)
    {
        using var response = await client.PostAsJsonAsync($"/rcms-api/{Dynamic}/token", new { grant_token = grant });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"token → {(int)response.StatusCode}: {body}");
        }

        return JsonNode.Parse(body)!["access_token"]!["value"]!.GetValue<string>();
    }

    public static async Task<JsonNode> OkAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} → {(int)response.StatusCode}: {text}");
        }

        return string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>49 documentation-range entries that do not match, then loopback: the worst case for a scan.</summary>
    private static string[] FiftyEntries()
    {
        var entries = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            entries.Add($"192.0.2.{i * 10} # host {i}");
        }

        for (var i = 0; i < 15; i++)
        {
            entries.Add($"198.51.{100 + i}.0/28");
        }

        for (var i = 0; i < 14; i++)
        {
            entries.Add($"2001:db8:{i:x}::/48");
        }

        entries.Add("127.0.0.0/8 # the load generator");
        return [.. entries];
    }
}
