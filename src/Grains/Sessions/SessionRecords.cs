namespace ApiSecurity.Grains.Sessions;

/// <summary>What a stored token is for.</summary>
[GenerateSerializer, Alias("TokenKind")]
public enum TokenKind
{
    /// <summary>One-time grant token from <c>login_challenge</c> (dynamic mode).</summary>
    Grant = 0,

    /// <summary>Access token (dynamic mode).</summary>
    Access = 1,

    /// <summary>Refresh token (dynamic mode).</summary>
    Refresh = 2,

    /// <summary>Cookie session (<c>rcms_api_access_token</c>).</summary>
    CookieSession = 3,

    /// <summary>Auto-login cookie (<c>rcms_api_refresh_token</c>, from <c>login_save</c>).</summary>
    CookieAutoLogin = 4,
}

/// <summary>How a login was made.</summary>
[GenerateSerializer, Alias("LoginKind")]
public enum LoginKind
{
    /// <summary>A dynamic-token login, valid on one API.</summary>
    Dynamic = 0,

    /// <summary>A cookie login, valid on every cookie-mode API.</summary>
    Cookie = 1,
}

/// <summary>A token value handed to a client with its expiry (Unix seconds).</summary>
[GenerateSerializer, Immutable, Alias("IssuedToken")]
public sealed record IssuedToken([property: Id(0)] string Value, [property: Id(1)] long ExpiresAt);

/// <summary>A new grant token.</summary>
[GenerateSerializer, Immutable, Alias("GrantIssue")]
public sealed record GrantIssue([property: Id(0)] IssuedToken Grant, [property: Id(1)] string LoginId);

/// <summary>Tokens returned by the token endpoint.</summary>
[GenerateSerializer, Immutable, Alias("TokenExchange")]
public sealed record TokenExchange([property: Id(0)] IssuedToken AccessToken, [property: Id(1)] IssuedToken? RefreshToken);

/// <summary>Lifetimes and switches of the token endpoint that issued a token pair.</summary>
[GenerateSerializer, Immutable, Alias("TokenPolicy")]
public sealed record TokenPolicy(
    [property: Id(0)] int AccessTokenLifespan,
    [property: Id(1)] int RefreshTokenLifespan,
    [property: Id(2)] bool UseRefreshToken,
    [property: Id(3)] bool RotateRefreshToken);

/// <summary>Lifetimes of a cookie login.</summary>
[GenerateSerializer, Immutable, Alias("CookiePolicy")]
public sealed record CookiePolicy(
    [property: Id(0)] int IdleTimeout,
    [property: Id(1)] int Lifetime,
    [property: Id(2)] int LoginSaveLifetime);

/// <summary>Cookies issued by a cookie login or an auto-login restore.</summary>
[GenerateSerializer, Immutable, Alias("CookieIssue")]
public sealed record CookieIssue([property: Id(0)] IssuedToken Session, [property: Id(1)] IssuedToken? AutoLogin, [property: Id(2)] string LoginId);

/// <summary>A live login as shown to administrators.</summary>
[GenerateSerializer, Immutable, Alias("SessionInfo")]
public sealed record SessionInfo(
    [property: Id(0)] string SessionId,
    [property: Id(1)] LoginKind Kind,
    [property: Id(2)] string? ApiId,
    [property: Id(3)] long CreatedAt,
    [property: Id(4)] long ExpiresAt,
    [property: Id(5)] long LastSeenAt,
    [property: Id(6)] string? ClientIp);

/// <summary>A valid access token or cookie session: its login and how long it stays valid (Unix seconds).</summary>
[GenerateSerializer, Immutable, Alias("SessionCheck")]
public sealed record SessionCheck([property: Id(0)] string LoginId, [property: Id(1)] long ValidUntil);
