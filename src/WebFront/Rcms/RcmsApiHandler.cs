using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.Grains.RateLimits;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;
using ApiSecurity.WebFront.Rcms.Operations;
using Microsoft.AspNetCore.Cors.Infrastructure;

namespace ApiSecurity.WebFront.Rcms;

/// <summary>
/// The request pipeline of <c>/rcms-api/{apiId}/{path}</c> (SPEC §3.3), in order: API snapshot
/// lookup → IP check (before anything else) → enabled → CORS (preflight answered without credential)
/// → endpoint routing (404/405) → credential for the mode → operation.
/// </summary>
public sealed partial class RcmsApiHandler(
    ApiSnapshotCache cache,
    ICorsService cors,
    RcmsAuthenticator authenticator,
    IGrainFactory grains,
    TimeProvider time,
    ApiSecurityMetrics metrics,
    IEnumerable<IRcmsOperation> operations)
{
    private readonly IRcmsOperation[] _operations = BuildTable(operations);

    /// <summary>Handles a request whose path is below <c>/rcms-api</c> (the prefix already removed), and counts it.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        CompiledApi? api = null;
        try
        {
            api = await HandleCoreAsync(context);
        }
        finally
        {
            metrics.Request(api, context.Response.StatusCode);
        }
    }

    /// <summary>The pipeline; returns the API the request was for, or null when it named none that exists.</summary>
    private async Task<CompiledApi?> HandleCoreAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!TrySplit(path, out var apiId, out var endpointPath))
        {
            await NotFoundAsync(context);
            return null;
        }

        var api = await cache.GetAsync(apiId);
        if (api is null)
        {
            await NotFoundAsync(context);
            return null;
        }

        if (!api.IpAllowList.Allows(context.Connection.RemoteIpAddress))
        {
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status403Forbidden, RcmsResponse.Codes.IpNotAllowed, "Access from your IP address is not allowed");
            return api;
        }

        if (!api.Snapshot.Enabled)
        {
            await NotFoundAsync(context);
            return api;
        }

        if (ApplyCors(context, api))
        {
            return api;
        }

        var method = context.Request.Method;
        if (!api.Endpoints.TryGetValue(endpointPath, out var byMethod))
        {
            await NotFoundAsync(context);
            return api;
        }

        if (!byMethod.TryGetValue(method, out var endpoint)
            && !(HttpMethods.IsHead(method) && byMethod.TryGetValue(HttpMethods.Get, out endpoint)))
        {
            context.Response.Headers.Allow = api.AllowHeaders[endpointPath];
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status405MethodNotAllowed, RcmsResponse.Codes.MethodNotAllowed, $"Method {Sanitize(method)} is not allowed here");
            return api;
        }

        if (endpoint.Settings.RateLimit is { } rateLimit && !await WithinRateLimitAsync(context, api, endpoint, rateLimit))
        {
            return api;
        }

        var feature = new RcmsRequestFeature(api, endpoint);
        var operation = endpoint.Operation;
        if (CrossSiteRequestDefence.Refuses(context, api, operation))
        {
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status403Forbidden, RcmsResponse.Codes.Forbidden, "Cross-site request refused");
            return api;
        }

        var credentialRequired = api.Mode != SecurityMode.None && operation is not (Operation.LoginChallenge or Operation.Token);
        var describesStaticToken = operation == Operation.Token && api.Mode == SecurityMode.StaticToken;
        var authentication = credentialRequired || describesStaticToken
            ? await authenticator.AuthenticateAsync(context, api)
            : RcmsAuthentication.None;

        if (authentication.Failure is not null)
        {
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, RcmsResponse.Codes.Unauthorized, authentication.Failure);
            return api;
        }

        if (!authentication.Succeeded && credentialRequired)
        {
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, RcmsResponse.Codes.Unauthorized, RcmsResponse.AccessTokenRequired);
            return api;
        }

        if (endpoint.Settings.Groups.Count > 0 && operation is not (Operation.LoginChallenge or Operation.Token)
            && !await InAllowedGroupAsync(authentication.Caller, endpoint.Settings.Groups))
        {
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status403Forbidden, RcmsResponse.Codes.Forbidden, "Your member group may not use this endpoint");
            return api;
        }

        await _operations[(int)operation].ExecuteAsync(context, feature, authentication.Caller);
        return api;
    }

    /// <summary>Splits <c>/{apiId}/{path}</c>; false when the apiId is not valid.</summary>
    internal static bool TrySplit(string path, out string apiId, out string endpointPath)
    {
        var rest = path.AsSpan().TrimStart('/');
        var slash = rest.IndexOf('/');
        var id = slash < 0 ? rest : rest[..slash];
        apiId = id.ToString();
        endpointPath = slash < 0 ? string.Empty : rest[(slash + 1)..].Trim('/').ToString();
        return ApiIdPattern().IsMatch(apiId);
    }

    /// <summary>
    /// Counts the request against the endpoint's rate limit (one grain per key for the whole cluster) and
    /// writes the <c>x-rcms-ratelimit-*</c> headers; answers 429 and returns false beyond the limit.
    /// </summary>
    private async Task<bool> WithinRateLimitAsync(HttpContext context, CompiledApi api, CompiledEndpoint endpoint, RateLimitSetting rateLimit)
    {
        var client = rateLimit.Key == "endpoint" ? "*" : RateLimitClientKey(context.Connection.RemoteIpAddress);
        var decision = await grains.GetGrain<IRateLimitGrain>($"{api.Scope}/{endpoint.Definition.Id}/{client}").HitAsync(rateLimit.Limit, rateLimit.Window);
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

    /// <summary>
    /// The client part of an IP-keyed rate limit: the IPv4 address, or the /64 prefix of an IPv6 address.
    /// One IPv6 host usually holds a whole /64 and can walk through its addresses at will, so counting
    /// each address alone would let a single client multiply its limit by 2^64.
    /// </summary>
    internal static string RateLimitClientKey(IPAddress? address)
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

    /// <summary>GroupAuth: true when the caller is a member of at least one of <paramref name="groups"/>.</summary>
    private async Task<bool> InAllowedGroupAsync(RcmsCaller? caller, IReadOnlyList<string> groups)
    {
        if (caller?.MemberId is not { } memberId)
        {
            return false;
        }

        var profile = await grains.GetGrain<IMemberGrain>(memberId).GetProfileAsync();
        return profile is not null && profile.Groups.Any(g => groups.Contains(g, StringComparer.Ordinal));
    }

    private static Task NotFoundAsync(HttpContext context) =>
        RcmsResponse.ErrorAsync(context, StatusCodes.Status404NotFound, RcmsResponse.Codes.NotFound, "Not found");

    /// <summary>Applies the API's CORS policy; true when the request was a preflight and has been answered.</summary>
    private bool ApplyCors(HttpContext context, CompiledApi api)
    {
        var request = context.Request;
        var isPreflight = HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method");
        if (!request.Headers.ContainsKey("Origin"))
        {
            return false;
        }

        context.Response.Headers.Vary = "Origin";
        if (api.Cors is { } policy)
        {
            var result = cors.EvaluatePolicy(context, policy);
            cors.ApplyResult(result, context.Response);
        }

        if (isPreflight)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return true;
        }

        return false;
    }

    private static string Sanitize(string method) => method.Length <= 16 && method.All(char.IsAsciiLetter) ? method : "?";

    private static IRcmsOperation[] BuildTable(IEnumerable<IRcmsOperation> operations)
    {
        var table = new IRcmsOperation[Enum.GetValues<Operation>().Length];
        foreach (var operation in operations)
        {
            table[(int)operation.Operation] = operation;
        }

        return table;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ApiIdPattern();
}
