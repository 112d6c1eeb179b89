using System.Globalization;
using System.Net;
using ApiSecurity.Grains.RateLimits;

namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>
/// The endpoint's <c>rate_limit</c>, counted by one grain per key for the whole cluster: writes the
/// <c>x-rcms-ratelimit-*</c> headers and answers 429 (with <c>Retry-After</c>) beyond the limit.
/// </summary>
public sealed class RateLimitStep(IGrainFactory grains, TimeProvider time) : IRcmsStep
{
    /// <inheritdoc/>
    public ValueTask<bool> InvokeAsync(RcmsExchange exchange) =>
        exchange.Endpoint!.Settings.RateLimit is null ? ValueTask.FromResult(true) : CountAsync(exchange);

    /// <summary>
    /// The client part of an IP-keyed rate limit: the IPv4 address, or the /64 prefix of an IPv6 address.
    /// One IPv6 host usually holds a whole /64 and can walk through its addresses at will, so counting
    /// each address alone would let a single client multiply its limit by 2^64.
    /// </summary>
    internal static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    private async ValueTask<bool> CountAsync(RcmsExchange exchange)
    {
        var context = exchange.HttpContext;
        var endpoint = exchange.Endpoint!;
        var rateLimit = endpoint.Settings.RateLimit!;
        var client = rateLimit.Key == "endpoint" ? "*" : ClientKey(context.Connection.RemoteIpAddress);
        var decision = await grains.GetGrain<IRateLimitGrain>($"{exchange.Api!.Scope}/{endpoint.Definition.Id}/{client}").HitAsync(rateLimit.Limit, rateLimit.Window);
        var resetIn = Math.Max(0, decision.ResetAt - time.GetUtcNow().ToUnixTimeSeconds());
        var headers = context.Response.Headers;
        headers["x-rcms-ratelimit-limit"] = rateLimit.Limit.ToString(CultureInfo.InvariantCulture);
        headers["x-rcms-ratelimit-remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["x-rcms-ratelimit-reset"] = resetIn.ToString(CultureInfo.InvariantCulture);
        if (decision.Allowed)
        {
            return true;
        }

        headers.RetryAfter = resetIn.ToString(CultureInfo.InvariantCulture);
        await RcmsResponse.ErrorAsync(context, StatusCodes.Status429TooManyRequests, RcmsResponse.Codes.RateLimited, "Too many requests");
        return false;
    }
}
