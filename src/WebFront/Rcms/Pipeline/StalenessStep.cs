using System.Globalization;
using Microsoft.Extensions.Options;
using ApiSecurity.Grains.Apis;

namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>
/// Fails closed when this front-end has lost the cluster: after <c>Security:MaxStaleness</c> (default
/// 10 s) without a completed catalog poll, its snapshots may still hold a revoked static token or an
/// IP list that was narrowed, so every API with a credential mode or an IP list answers 503
/// <c>unavailable</c>. APIs open to everyone keep answering. It recovers with the next successful poll.
/// </summary>
public sealed class StalenessStep : IRcmsStep
{
    /// <summary>The configuration key.</summary>
    public const string MaxStalenessKey = "Security:MaxStaleness";

    /// <summary>The default limit.</summary>
    public static readonly TimeSpan DefaultMaxStaleness = TimeSpan.FromSeconds(10);

    private readonly ApiSnapshotCache _cache;
    private readonly long _maxStalenessMilliseconds;

    /// <summary>Reads <c>Security:MaxStaleness</c> (a time span such as <c>00:00:10</c>); start-up fails when it is not positive.</summary>
    public StalenessStep(ApiSnapshotCache cache, IConfiguration configuration)
    {
        _cache = cache;
        var configured = configuration[MaxStalenessKey];
        var limit = DefaultMaxStaleness;
        if (!string.IsNullOrWhiteSpace(configured)
            && (!TimeSpan.TryParse(configured, CultureInfo.InvariantCulture, out limit) || limit <= TimeSpan.Zero))
        {
            throw new OptionsValidationException(MaxStalenessKey, typeof(TimeSpan),
                [$"{MaxStalenessKey} '{configured}' is not a positive time span (for example 00:00:10 for ten seconds)."]);
        }

        _maxStalenessMilliseconds = (long)limit.TotalMilliseconds;
    }

    /// <inheritdoc/>
    public ValueTask<bool> InvokeAsync(RcmsExchange exchange)
    {
        if (_cache.SinceHeard <= _maxStalenessMilliseconds)
        {
            return ValueTask.FromResult(true);
        }

        var api = exchange.Api!;
        return api.Mode == SecurityMode.None && api.Snapshot.IpRestriction.Count == 0
            ? ValueTask.FromResult(true)
            : Refuse(exchange.HttpContext);
    }

    private static async ValueTask<bool> Refuse(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        await RcmsResponse.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, RcmsResponse.Codes.Unavailable,
            "This front-end has lost contact with the cluster; try again shortly");
        return false;
    }
}
