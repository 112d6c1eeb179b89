using Orleans.Concurrency;

namespace ApiSecurity.Grains.Sessions;

/// <summary>
/// A member's logins (key: member_id): grant, access and refresh tokens per API and cookie sessions.
/// The only grain on the request path of dynamic and cookie modes; validation is read-only and interleaves.
/// </summary>
[Alias("IMemberSessionGrain")]
public interface IMemberSessionGrain : IGrainWithIntegerKey
{
    /// <summary>Starts a dynamic login on <paramref name="scope"/> and returns its one-time grant token.</summary>
    [Alias("IssueGrant")]
    Task<GrantIssue> IssueGrantAsync(string scope, string apiId, int lifespan, string? clientIp);

    /// <summary>Exchanges a grant token; null when invalid. A second use revokes the whole login.</summary>
    [Alias("RedeemGrant")]
    Task<TokenExchange?> RedeemGrantAsync(string scope, string secret, TokenPolicy policy);

    /// <summary>
    /// Exchanges a refresh token; null when invalid. With rotation, a token presented again within 10 s of
    /// its rotation gets a new pair (two tabs refreshing at once); later, it revokes the whole login.
    /// </summary>
    [Alias("Refresh")]
    Task<TokenExchange?> RefreshAsync(string scope, string secret, TokenPolicy policy);

    /// <summary>The login of a valid access token for <paramref name="scope"/> and the token's expiry, else null.</summary>
    [Alias("ValidateAccess"), ReadOnly]
    Task<SessionCheck?> ValidateAccessAsync(string scope, string secret);

    /// <summary>Starts a cookie login.</summary>
    [Alias("StartCookieSession")]
    Task<CookieIssue> StartCookieSessionAsync(CookiePolicy policy, bool loginSave, string apiId, string? clientIp);

    /// <summary>The login of a valid cookie session and when it ends if left idle, else null; refreshes the idle timer.</summary>
    [Alias("ValidateCookie"), ReadOnly]
    Task<SessionCheck?> ValidateCookieAsync(string secret);

    /// <summary>
    /// Starts a new cookie session from a valid auto-login token, else null. Replaces the auto-login token
    /// (the result carries the new one) and the login's session; a replaced auto-login token presented
    /// again more than 10 s after its replacement revokes the login.
    /// </summary>
    [Alias("RestoreCookieSession")]
    Task<CookieIssue?> RestoreCookieSessionAsync(string secret, CookiePolicy policy);

    /// <summary>Ends the login that <paramref name="secret"/> belongs to; false when the token is unknown.</summary>
    [Alias("Logout")]
    Task<bool> LogoutAsync(string secret);

    /// <summary>
    /// Writes the last-use times of cookie sessions held in memory. The grain sends this to itself (one-way)
    /// from a validation when its login's stored time is a minute old, so validation stays read-only and no
    /// activation carries a timer.
    /// </summary>
    [Alias("FlushLastSeen"), OneWay]
    Task FlushLastSeenAsync();

    /// <summary>The live logins.</summary>
    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<SessionInfo>> ListAsync();

    /// <summary>Ends one login; false when unknown.</summary>
    [Alias("Revoke")]
    Task<bool> RevokeAsync(string sessionId);

    /// <summary>Ends every login; returns how many.</summary>
    [Alias("RevokeAll")]
    Task<int> RevokeAllAsync();

    /// <summary>Ends every login but <paramref name="keepLoginId"/> (every login when it is null); returns how many ended.</summary>
    [Alias("RevokeAllExcept")]
    Task<int> RevokeAllExceptAsync(string? keepLoginId);
}
