using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Hosting;
using ApiSecurity.WebFront.Rcms;

namespace ApiSecurity.WebFront.Infrastructure;

/// <summary>
/// The web front's instruments (meter <see cref="MetricsSetup.MeterName"/>, scraped at <c>/metrics</c>):
/// requests by API, mode and outcome; logins by outcome; lockouts; tokens issued and revoked; validation latency.
/// Tags never carry a secret, a member id or an unknown API id (bounded cardinality).
/// </summary>
public sealed class ApiSecurityMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly ConcurrentDictionary<(string ApiId, SecurityMode Mode), RequestCounter> _requests = new();
    private readonly RequestCounter _unknownApi = new("(unknown)", "(unknown)");
    private readonly Counter<long> _logins;
    private readonly Counter<long> _lockouts;
    private readonly Counter<long> _tokensIssued;
    private readonly Counter<long> _tokensRevoked;
    private readonly Histogram<double> _validation;
    private readonly StripedCounts _cacheHits = new(2); // [0] dynamic_token, [1] cookie

    public ApiSecurityMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MetricsSetup.MeterName);
        _meter.CreateObservableCounter("apisecurity.requests", ObserveRequests, "{request}", "Requests under /rcms-api by API, security mode and outcome");
        _logins = _meter.CreateCounter<long>("apisecurity.logins", "{login}", "Login attempts by outcome (ok, invalid_credentials, locked_out)");
        _lockouts = _meter.CreateCounter<long>("apisecurity.lockouts", "{login}", "Logins refused because the member is locked out");
        _tokensIssued = _meter.CreateCounter<long>("apisecurity.tokens.issued", "{token}", "Tokens issued by kind");
        _tokensRevoked = _meter.CreateCounter<long>("apisecurity.tokens.revoked", "{token}", "Logins and tokens ended by kind");
        _validation = _meter.CreateHistogram("apisecurity.validation.duration", "s", "Time to check a dynamic token or cookie session with its session grain",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
        _meter.CreateObservableCounter("apisecurity.validation.cache_hits", ObserveCacheHits, "{validation}", "Dynamic token or cookie checks answered by the web front's short validation cache");
    }

    /// <summary>One finished /rcms-api request; <paramref name="api"/> is null when the API is unknown.</summary>
    public void Request(CompiledApi? api, int status) =>
        (api is null ? _unknownApi : api.RequestCounter ??= _requests.GetOrAdd((api.ApiId, api.Mode), static key => new(key.ApiId, key.Mode.ToWire())))
            .Add(status);

    /// <summary>One login attempt.</summary>
    public void Login(string outcome)
    {
        _logins.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (outcome == "locked_out")
        {
            _lockouts.Add(1);
        }
    }

    /// <summary>Tokens issued (grant, access, refresh, cookie_session, cookie_auto_login, static).</summary>
    public void Issued(string kind, int count = 1) => _tokensIssued.Add(count, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Logins or tokens ended (logout, session, all_sessions, member, static).</summary>
    public void Revoked(string kind, int count = 1) => _tokensRevoked.Add(count, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>A dynamic-token or cookie check answered by the session grain, and how long it took.</summary>
    public void ValidatedByGrain(string mode, TimeSpan elapsed) =>
        _validation.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("mode", mode));

    /// <summary>A dynamic-token or cookie check answered from the web front's cache (counted, not timed: it costs well under a microsecond).</summary>
    public void ValidatedFromCache(string mode) => _cacheHits.Increment(mode == "cookie" ? 1 : 0);

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveCacheHits() =>
    [
        new(_cacheHits[0], new KeyValuePair<string, object?>("mode", "dynamic_token")),
        new(_cacheHits[1], new KeyValuePair<string, object?>("mode", "cookie")),
    ];

    private IEnumerable<Measurement<long>> ObserveRequests()
    {
        foreach (var counter in _requests.Values.Append(_unknownApi))
        {
            for (var i = 0; i < RequestCounter.Outcomes.Length; i++)
            {
                if (counter.Count(i) is > 0 and var count)
                {
                    yield return new Measurement<long>(count,
                        new KeyValuePair<string, object?>("api_id", counter.ApiId),
                        new KeyValuePair<string, object?>("mode", counter.Mode),
                        new KeyValuePair<string, object?>("outcome", RequestCounter.Outcomes[i]));
                }
            }
        }
    }
}
