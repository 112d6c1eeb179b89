using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms;
using ApiSecurity.WebFront.Rcms.Credentials;
using ApiSecurity.WebFront.Rcms.Pipeline;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ApiSecurity.Bench.Micro;

/// <summary>
/// The credential step of a request whose credential this front already knows: a dynamic access token and a
/// cookie session validated moments ago, and a static token: what a secured request costs on top of <c>none</c>
/// in the product's own code (the header's parsing by Kestrel is not in it). <c>None</c> is the step on an API
/// of mode <c>none</c>, which reads nothing.
/// </summary>
[MemoryDiagnoser]
public class CredentialBenchmarks
{
    private readonly DefaultHttpContext _context = new();
    private CredentialStep _step = null!;
    private (CompiledApi Api, CompiledEndpoint Endpoint) _none, _static, _dynamic, _cookie;
    private string _staticToken = string.Empty, _accessToken = string.Empty, _cookieHeader = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var metrics = new ApiSecurityMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
        var cache = new SessionValidationCache(Options.Create(new SessionCacheOptions { Duration = TimeSpan.FromHours(1) }), TimeProvider.System);

        // The session grains and the key ring are only reached when the cache does not answer, which never happens here.
        var sessions = (SessionGrains)RuntimeHelpers.GetUninitializedObject(typeof(SessionGrains));
        var keys = new TokenKeyRing(null!, TimeProvider.System);
        _step = new CredentialStep(new RcmsAuthenticator(sessions, keys, cache, metrics, TimeProvider.System, NullLogger<RcmsAuthenticator>.Instance));

        _staticToken = Secrets.NewSecret();
        _none = Compile(SecurityMode.None, []);
        _static = Compile(SecurityMode.StaticToken, [new StaticTokenRecord("t", Secrets.Hash(_staticToken), "memo", long.MaxValue, null, 0)]);
        _dynamic = Compile(SecurityMode.DynamicToken, []);
        _cookie = Compile(SecurityMode.Cookie, []);

        var mac = new TokenMac([TokenKey.Create(1, 0, 0)], 1);
        _accessToken = mac.Create(123_456).ToString();
        var cookieSession = mac.Create(123_456).ToString();
        _cookieHeader = $"{SessionCookies.AccessName}={cookieSession}";
        var check = new SessionCheck("login", DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600);
        cache.Remember(SessionValidationCache.KeyOf(_accessToken, TokenKind.Access, _dynamic.Api.Scope)!.Value, 123_456, check, cache.EpochOf(123_456));
        cache.Remember(SessionValidationCache.KeyOf(cookieSession, TokenKind.CookieSession, null)!.Value, 123_456, check, cache.EpochOf(123_456));

        // Every benchmark must pass the step; a refusal would measure the error path instead.
        foreach (var run in new Func<bool>[] { None, StaticToken, DynamicToken_Remembered, Cookie_Remembered })
        {
            if (!run())
            {
                throw new InvalidOperationException($"{run.Method.Name} was refused");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public bool None() => Run(_none, header: null, value: null);

    [Benchmark]
    public bool StaticToken() => Run(_static, RcmsAuthenticator.TokenHeader, _staticToken);

    [Benchmark]
    public bool DynamicToken_Remembered() => Run(_dynamic, RcmsAuthenticator.TokenHeader, _accessToken);

    [Benchmark]
    public bool Cookie_Remembered() => Run(_cookie, "Cookie", _cookieHeader);

    private bool Run((CompiledApi Api, CompiledEndpoint Endpoint) target, string? header, string? value)
    {
        _context.Request.Headers.Clear();
        if (header is not null)
        {
            _context.Request.Headers[header] = value;
        }

        var exchange = new RcmsExchange(_context) { Api = target.Api, Endpoint = target.Endpoint };
        var pending = _step.InvokeAsync(exchange);
        return pending.IsCompletedSuccessfully ? pending.Result && (header is null || exchange.Authentication.Succeeded) : false;
    }

    private static (CompiledApi, CompiledEndpoint) Compile(SecurityMode mode, IReadOnlyList<StaticTokenRecord> tokens)
    {
        var api = CompiledApi.Compile(new ApiSnapshot("bench", "bench", true, mode, [], CorsSettings.Empty,
            [new EndpointDefinition(1, "GET", "content", Operation.DocumentGet, "{}")], tokens, 1, "scope", 0));
        return (api, api.Endpoints["content"]["GET"]);
    }
}
