using System.Globalization;
using System.Security.Claims;

namespace ApiSecurity.WebFront.Rcms.Credentials;

/// <summary>Claim types of an authenticated <c>/rcms-api</c> caller.</summary>
public static class RcmsClaims
{
    /// <summary>The member id, when a member is known.</summary>
    public const string MemberId = "member_id";

    /// <summary>The login (session) id of a dynamic or cookie credential.</summary>
    public const string LoginId = "login_id";

    /// <summary>The id of the static token used.</summary>
    public const string StaticTokenId = "static_token_id";

    /// <summary>The member id of a principal, if any.</summary>
    public static long? GetMemberId(this ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(MemberId), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>The login id of a principal, if any.</summary>
    public static string? GetLoginId(this ClaimsPrincipal principal) => principal.FindFirstValue(LoginId);
}
