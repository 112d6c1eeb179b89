using System.Net;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.WebFront.Rcms;
using ApiSecurity.WebFront.Rcms.Credentials;
using ApiSecurity.WebFront.Rcms.Pipeline;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;

namespace ApiSecurity.Bench.Micro;

/// <summary>What a request with a token costs before any grain call.</summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private TokenMac _mac = null!;
    private string _sessionToken = string.Empty;
    private string _staticToken = string.Empty;
    private byte[] _storedHash = [];
    private CompiledApi _api = null!;
    private string _wrongStaticToken = "";
    private SessionValidationCache _cache = null!;
    private SessionValidationCache.Key _cachedKey;

    [GlobalSetup]
    public void Setup()
    {
        _mac = new TokenMac([TokenKey.Create(1, 0, 0)], 1);
        var token = _mac.Create(123_456);
        _sessionToken = token.ToString();
        _storedHash = Secrets.Hash(token.Secret);
        _staticToken = Secrets.NewSecret();
        _wrongStaticToken = Secrets.NewSecret();

        // An API with 1 000 static tokens, the largest an API may hold.
        var tokens = Enumerable.Range(0, 999).Select(i => new StaticTokenRecord($"t{i}", Secrets.Hash(Secrets.NewSecret()), "memo", long.MaxValue, null, 0)).ToList();
        tokens.Add(new StaticTokenRecord("mine", Secrets.Hash(_staticToken), "memo", long.MaxValue, 7, 0));
        _api = CompiledApi.Compile(new ApiSnapshot("bench", "bench", true, SecurityMode.StaticToken, [], CorsSettings.Empty,
            [new EndpointDefinition(1, "GET", "content", Operation.DocumentGet, "{}")], tokens, 1, "scope", 0));

        _cache = new SessionValidationCache(Options.Create(new SessionCacheOptions { Duration = TimeSpan.FromHours(1) }), TimeProvider.System);
        _cachedKey = SessionValidationCache.KeyOf(_sessionToken, TokenKind.Access, "scope")!.Value;
        _cache.Remember(_cachedKey, token.MemberId, new SessionCheck("login", DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600), _cache.EpochOf(token.MemberId));
    }

    /// <summary>Dynamic/cookie token on the front, validated moments ago: look the presented text up in the front's cache.</summary>
    [Benchmark]
    public RcmsCaller? SessionToken_CacheHit()
    {
        return _cache.Recall(SessionValidationCache.KeyOf(_sessionToken, TokenKind.Access, "scope")!.Value);
    }

    /// <summary>Dynamic/cookie token on the front, not remembered: parse <c>{member}.{secret}.{tag}</c> and check the MAC (then one grain call).</summary>
    [Benchmark]
    public bool SessionToken_Parse_Mac()
    {
        return _mac.TryRead(_sessionToken, out _);
    }

    /// <summary>Dynamic/cookie token in the session grain: parse, SHA-256, constant-time compare with the stored hash.</summary>
    [Benchmark]
    public bool SessionToken_Parse_Hash_Compare()
    {
        SessionToken.TryParse(_sessionToken, out var token);
        Span<byte> digest = stackalloc byte[32];
        Secrets.Hash(token.Secret, digest);
        return Secrets.HashesEqual(digest, _storedHash);
    }

    /// <summary>Static token seen before by this snapshot: look the text up among those already matched (1 000 tokens in the API).</summary>
    [Benchmark]
    public CompiledStaticToken? StaticToken_Known_1000() => _api.FindStaticToken(_staticToken);

    /// <summary>Static token this snapshot has not matched (a wrong one, or a right one the first time): SHA-256 and look-up among 1 000 tokens.</summary>
    [Benchmark]
    public CompiledStaticToken? StaticToken_Hash_Lookup_1000() => _api.FindStaticToken(_wrongStaticToken);
}

/// <summary>The IP allow-list must stay O(log n): 1, 50 and 10 000 entries, an address that matches the last entry and one that matches none.</summary>
[MemoryDiagnoser]
public class IpAllowListBenchmarks
{
    private IpAllowList _list = null!;
    private readonly IPAddress _allowed = IPAddress.Parse("127.0.0.1");
    private readonly IPAddress _refused = IPAddress.Parse("203.0.113.77");
    private readonly IPAddress _allowedV6 = IPAddress.Parse("2001:db8:ffff::1");

    [Params(1, 50, 10_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Disjoint entries (they do not merge), loopback and one IPv6 network last.
        var entries = Enumerable.Range(0, Entries - 1)
            .Select(i => i % 2 == 0 ? $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}" : $"2001:db8:{i:x}::/48")
            .Append("127.0.0.0/8")
            .Append("2001:db8:ffff::/48")
            .Take(Math.Max(Entries, 1))
            .ToList();
        _list = IpAllowList.Parse(entries, out var errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", errors));
        }
    }

    [Benchmark]
    public bool Allowed_IPv4() => _list.Allows(_allowed);

    [Benchmark]
    public bool Refused_IPv4() => _list.Allows(_refused);

    [Benchmark]
    public bool IPv6() => _list.Allows(_allowedV6);
}

/// <summary>The request path's routing: split <c>/{apiId}/{path}</c>, find the API among 1 000 snapshots, find the endpoint.</summary>
[MemoryDiagnoser]
public class SnapshotLookupBenchmarks
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CompiledApi> _apis = new(StringComparer.Ordinal);

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < 1000; i++)
        {
            var endpoints = Enumerable.Range(0, 20).Select(e => new EndpointDefinition(e, "GET", $"content/e{e}", Operation.DocumentGet, "{}")).ToList();
            _apis[$"api-{i}"] = CompiledApi.Compile(new ApiSnapshot($"api-{i}", "x", true, SecurityMode.None, [], CorsSettings.Empty, endpoints, [], 1, "s", 0));
        }
    }

    [Benchmark]
    public CompiledEndpoint? Split_Api_Endpoint()
    {
        ResolveApiStep.TrySplit("/api-512/content/e17", out var apiId, out var path);
        return _apis.TryGetValue(apiId.ToString(), out var api) && api.EndpointsByText.TryGetValue(path.Span, out var byMethod) && byMethod.TryGetValue("GET", out var endpoint)
            ? endpoint
            : null;
    }
}
