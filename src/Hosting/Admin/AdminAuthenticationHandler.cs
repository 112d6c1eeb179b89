using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using ApiSecurity.Grains.Admins;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiSecurity.Hosting.Admin;

/// <summary>
/// Authenticates an administrator — the bootstrap token (constant-time comparison) or a named administrator's
/// token (see <see cref="AdminCredentialResolver"/>) — as claims for the admin id, name, role and credential id:
/// <c>Authorization: Bearer &lt;admin token&gt;</c> everywhere, and HTTP Basic with the admin token as
/// password (any user name) only under <see cref="DashboardPath"/>, so a browser can open the dashboard.
/// </summary>
/// <remarks>
/// A browser that answered the dashboard's Basic prompt sends those credentials by itself with every
/// later request to the same origin, including requests another site makes it send (RFC 7617 §2.2).
/// Accepting them on the admin API would let any web page drive it; a bearer token is only ever sent
/// by script that holds it.
/// </remarks>
public sealed class AdminAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminCredentialResolver credentials) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "admin";

    /// <summary>The authorization policy that requires the admin token.</summary>
    public const string Policy = "admin";

    /// <summary>Where the dashboard is served; challenges there ask the browser for Basic credentials.</summary>
    public const string DashboardPath = "/dashboard";

    /// <inheritdoc/>
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count == 0 || header[0] is not { } value)
        {
            return AuthenticateResult.NoResult();
        }

        string? presented = null;
        if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = value[7..].Trim();
        }
        else if (value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && IsDashboard(Request.Path))
        {
            presented = BasicPassword(value[6..].Trim());
        }

        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (await credentials.ResolveAsync(presented) is not { } admin)
        {
            return AuthenticateResult.Fail("Invalid admin token");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Role, admin.Role.ToWire()),
                new Claim(AdminPermissions.RoleClaim, admin.Role.ToWire()),
                new Claim(AdminPermissions.AdminIdClaim, admin.AdminId),
                new Claim(AdminPermissions.NameClaim, admin.Name),
                new Claim(AdminPermissions.CredentialClaim, admin.CredentialId),
            ],
            SchemeName,
            AdminPermissions.NameClaim,
            ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <inheritdoc/>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = IsDashboard(Request.Path)
            ? "Basic realm=\"api-security admin\", charset=\"UTF-8\""
            : "Bearer";
        await Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized",
            detail: "Send the admin token as 'Authorization: Bearer <token>'.").ExecuteAsync(Context);
    }

    /// <summary>True for <see cref="DashboardPath"/> and the paths below it (whole segments: <c>/dashboardx</c> is not).</summary>
    public static bool IsDashboard(PathString path) => path.StartsWithSegments(DashboardPath, StringComparison.OrdinalIgnoreCase);

    private static string? BasicPassword(string encoded)
    {
        if (encoded.Length > 2048)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var written))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes[..written]);
        var colon = text.IndexOf(':');
        return colon < 0 ? null : text[(colon + 1)..];
    }
}
