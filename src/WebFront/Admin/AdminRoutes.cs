using System.Globalization;
using System.Text.RegularExpressions;
using ApiSecurity.Grains.Admins;
using ApiSecurity.Grains.Apis;
using Microsoft.AspNetCore.Routing.Patterns;

namespace ApiSecurity.WebFront.Admin;

/// <summary>
/// How the admin routes check their ids: route constraints (<c>{apiId:apiid}</c>, <c>{memberId:memberid}</c>,
/// <c>{endpointId:endpointid}</c>, <c>{adminId:adminid}</c>) so a handler only ever sees a well-formed id.
/// </summary>
public static partial class AdminRoutes
{
    /// <summary>Registers the id constraints with routing.</summary>
    public static IServiceCollection AddAdminRouteConstraints(this IServiceCollection services) =>
        services.Configure<RouteOptions>(options =>
        {
            options.SetParameterPolicy<ApiIdConstraint>("apiid");
            options.SetParameterPolicy<AdminIdConstraint>("adminid");
            options.SetParameterPolicy<MemberIdConstraint>("memberid");
            options.SetParameterPolicy<EndpointIdConstraint>("endpointid");
        });

    /// <summary>
    /// Maps <paramref name="pattern"/> (whose ids are checked by constraints) and, beneath it, the same route
    /// without constraints, which gives a call with a malformed id the answer <paramref name="malformed"/> (for most
    /// routes the same 404 as an id that does not exist) after the same authorization. Conventions added to the
    /// returned builder apply to both; only the first appears in the OpenAPI document.
    /// </summary>
    public static RouteHandlerBuilder MapWithIds(this RouteGroupBuilder group, string method, string pattern, Delegate handler, Func<HttpContext, IResult> malformed)
    {
        var main = group.MapMethods(pattern, [method], handler);
        var twin = group.MapMethods(Unconstrained(pattern), [method], malformed).ExcludeFromDescription();
        return new RouteHandlerBuilder([main, twin]);
    }

    /// <summary>A route as people read it: <c>/admin/apis/{apiId:apiid}</c> → <c>/admin/apis/{apiId}</c>.</summary>
    public static string Display(RoutePattern pattern)
    {
        var text = Unconstrained(pattern.RawText ?? string.Empty);
        return text.StartsWith('/') ? text : "/" + text;
    }

    private static string Unconstrained(string pattern) => Constraint().Replace(pattern, "}");

    [GeneratedRegex(@":[^}]*\}")]
    private static partial Regex Constraint();

    private static bool TryText(RouteValueDictionary values, string key, out string text)
    {
        text = values.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty : string.Empty;
        return text.Length > 0;
    }

    /// <summary>Decimal digits only (no sign, no spaces) that fit a <see cref="long"/>.</summary>
    private static bool TryDigits(string text, out long id) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    /// <summary><c>apiid</c>: <see cref="ApiIds.IsValid"/>.</summary>
    private sealed class ApiIdConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            TryText(values, routeKey, out var text) && ApiIds.IsValid(text);
    }

    /// <summary><c>adminid</c>: <see cref="AdminTokenFormat.IsAdminId"/>.</summary>
    private sealed class AdminIdConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            TryText(values, routeKey, out var text) && AdminTokenFormat.IsAdminId(text);
    }

    /// <summary><c>memberid</c>: a positive decimal number.</summary>
    private sealed class MemberIdConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            TryText(values, routeKey, out var text) && TryDigits(text, out var id) && id > 0;
    }

    /// <summary><c>endpointid</c>: a decimal number.</summary>
    private sealed class EndpointIdConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            TryText(values, routeKey, out var text) && TryDigits(text, out _);
    }
}
