namespace ApiSecurity.Bench;

/// <summary>
/// The peers a .NET team would pick instead of this product (bench/Baseline), loaded in the same rounds
/// as the product's rows and serving the same JSON bytes, so their ratios come from one run.
/// </summary>
public static class Peers
{
    /// <summary>Row names of peers start with this.</summary>
    public const string Prefix = "peer: ";

    public const string Slim = Prefix + "slim ASP.NET Core endpoint";
    public const string Jwt = Prefix + "JwtBearer (HS256)";
    public const string Cookie = Prefix + "cookie auth, ticket in the cookie";
    public const string CookieRedis = Prefix + "cookie auth, sessions in Redis";

    /// <summary>Starts every peer and returns its row, with the credential each needs.</summary>
    internal static async Task<List<Row>> StartAsync(Deployment deployment, string bodyFile, string path, bool skip)
    {
        var rows = new List<Row>();
        if (skip)
        {
            return rows;
        }

        var (slimProcess, slim) = await deployment.StartBaselineAsync(bodyFile, "slim");
        rows.Add(new Row(Slim, new Uri(slim, path), null, [slimProcess]));

        var (jwtProcess, jwt) = await deployment.StartBaselineAsync(bodyFile, "jwt");
        using (var client = new HttpClient { BaseAddress = jwt })
        {
            var token = await client.GetStringAsync("/issue");
            rows.Add(new Row(Jwt, new Uri(jwt, path), new ModeTarget(Jwt, path, "Authorization", "Bearer " + token), [jwtProcess]));
        }

        var (cookieProcess, cookie) = await deployment.StartBaselineAsync(bodyFile, "cookie");
        rows.Add(new Row(Cookie, new Uri(cookie, path), new ModeTarget(Cookie, path, "Cookie", await SignInAsync(cookie)), [cookieProcess]));

        if (Deployment.OnPath("redis-server"))
        {
            // The Redis server is part of what serves this peer: its CPU time counts with the peer's.
            var (redisProcess, redis) = await deployment.StartRedisAsync();
            var (cookieRedisProcess, cookieRedis) = await deployment.StartBaselineAsync(bodyFile, "cookie-redis", redis);
            rows.Add(new Row(CookieRedis, new Uri(cookieRedis, path), new ModeTarget(CookieRedis, path, "Cookie", await SignInAsync(cookieRedis)),
                [cookieRedisProcess, redisProcess]));
        }

        return rows;
    }

    /// <summary>The product next to its peers: requests/s ratios and p99, from the same rounds.</summary>
    public static void Table(List<(string Name, WrkResult Result)> rows, Action<string> say)
    {
        var byName = rows.ToDictionary(r => r.Name, r => r.Result);
        var pairs = new (string Ours, string Peer, string Target)[]
        {
            ("none", Slim, "≥ 0.95"),
            ("dynamic_token", Jwt, "≥ 1.3, p99 no worse"),
            ("cookie", CookieRedis, "≥ 2"),
            ("cookie", Cookie, "—"),
        };
        say("| this product | peer | ours req/s | peer req/s | ratio | ratio, per-round median | our p99 | peer p99 | our CPU per request | peer CPU per request | requests per CPU-second, ours ÷ peer (per-round median) | target |");
        say("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (ours, peer, target) in pairs)
        {
            if (byName.TryGetValue(ours, out var a) && byName.TryGetValue(peer, out var b))
            {
                say($"| `{ours}` | {peer[Prefix.Length..]} | {a.RequestsPerSecond:N0} | {b.RequestsPerSecond:N0} | {a.RequestsPerSecond / b.RequestsPerSecond:N2} | {a.PairedRatio(b):N2} | " +
                    $"{a.P99 / 1000:N2} ms | {b.P99 / 1000:N2} ms | {a.MedianCpuPerRequest:N1} µs | {b.MedianCpuPerRequest:N1} µs | {a.CpuEfficiencyRatio(b):N2} | {target} |");
            }
        }

        say("");
    }

    private static async Task<string> SignInAsync(Uri peer)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = peer };
        using var response = await client.PostAsync("/login", null);
        response.EnsureSuccessStatusCode();
        return string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
    }
}
