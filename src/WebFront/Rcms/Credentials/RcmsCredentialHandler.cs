using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.WebFront.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ApiSecurity.WebFront.Rcms.Credentials;

/// <summary>
/// Authenticates a <c>/rcms-api</c> request according to its API's mode (SPEC §3): a static token
/// checked against the cached snapshot (no grain call), a dynamic access token or a cookie session
/// checked by the member's session grain (one read-only call). No credential gives
/// <see cref="AuthenticateResult.NoResult"/>; a bad one gives a failure.
/// </summary>
public sealed class RcmsCredentialHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "rcms";

    /// <summary>The header carrying static and dynamic tokens (matched case-insensitively).</summary>
    public const string TokenHeader = "X-RCMS-API-ACCESS-TOKEN";

    private const int MaxTokenLength = 512;

    /// <inheritdoc/>
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.Features.Get<RcmsRequestFeature>() is not { } feature)
        {
            return AuthenticateResult.NoResult();
        }

        var api = feature.Api;
        return api.Mode switch
        {
            SecurityMode.StaticToken => AuthenticateStatic(api),
            SecurityMode.DynamicToken => await AuthenticateDynamicAsync(api),
            SecurityMode.Cookie => await AuthenticateCookieAsync(api),
            _ => AuthenticateResult.NoResult(),
        };
    }

    private string? ReadHeaderToken()
    {
        var values = Request.Headers[TokenHeader];
        return values.Count == 0 || string.IsNullOrEmpty(values[0]) ? null : values[0]!.Trim();
    }

    private AuthenticateResult AuthenticateStatic(CompiledApi api)
    {
        var value = ReadHeaderToken();
        if (value is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (value.Length > MaxTokenLength || api.FindStaticToken(value) is not { } token
            || token.ExpiresAt <= time.GetUtcNow().ToUnixTimeSeconds())
        {
            return AuthenticateResult.Fail("Invalid access token");
        }

        var claims = new List<Claim> { new(RcmsClaims.StaticTokenId, token.Id) };
        if (token.MemberId is { } memberId)
        {
            claims.Add(new Claim(RcmsClaims.MemberId, memberId.ToString(CultureInfo.InvariantCulture)));
        }

        return Success(claims);
    }

    private async Task<AuthenticateResult> AuthenticateDynamicAsync(CompiledApi api)
    {
        var value = ReadHeaderToken();
        if (value is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (!SessionToken.TryParse(value, out var token))
        {
            return AuthenticateResult.Fail("Invalid access token");
        }

        var loginId = await grains.GetGrain<IMemberSessionGrain>(token.MemberId).ValidateAccessAsync(api.Scope, token.Secret);
        return loginId is null ? AuthenticateResult.Fail("Invalid access token") : Member(token.MemberId, loginId);
    }

    private async Task<AuthenticateResult> AuthenticateCookieAsync(CompiledApi api)
    {
        var session = SessionCookies.ReadAccess(Request);
        var autoLogin = SessionCookies.ReadRefresh(Request);
        if (session is null && autoLogin is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (session is not null && SessionToken.TryParse(session, out var token))
        {
            var loginId = await grains.GetGrain<IMemberSessionGrain>(token.MemberId).ValidateCookieAsync(token.Secret);
            if (loginId is not null)
            {
                return Member(token.MemberId, loginId);
            }
        }

        if (autoLogin is not null && SessionToken.TryParse(autoLogin, out var saved))
        {
            var restored = await StateConflict.RetryOnceAsync(() => grains.GetGrain<IMemberSessionGrain>(saved.MemberId).RestoreCookieSessionAsync(saved.Secret, api.CookiePolicy));
            if (restored is not null)
            {
                SessionCookies.Issue(Context, restored, api.LoginSettings);
                return Member(saved.MemberId, restored.LoginId);
            }
        }

        return AuthenticateResult.Fail("Invalid or expired session");
    }

    private AuthenticateResult Member(long memberId, string loginId) => Success(
    [
        new Claim(RcmsClaims.MemberId, memberId.ToString(CultureInfo.InvariantCulture)),
        new Claim(RcmsClaims.LoginId, loginId),
    ]);

    private AuthenticateResult Success(List<Claim> claims)
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
