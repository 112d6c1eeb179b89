namespace ApiSecurity.Grains.Sessions;

/// <summary>Persisted state of a member's logins. Tokens are keyed by the hex SHA-256 of their secret.</summary>
[GenerateSerializer, Alias("MemberSessionState")]
public sealed class MemberSessionState
{
    /// <summary>Logins by id.</summary>
    [Id(0)] public Dictionary<string, LoginRecord> Logins { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Tokens by hash key.</summary>
    [Id(1)] public Dictionary<string, TokenRecord> Tokens { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The serial number of the last token issued (orders tokens issued within the same second).</summary>
    [Id(2)] public long LastSerial { get; set; }
}

/// <summary>One login: every token descends from it, and revoking it revokes them all.</summary>
[GenerateSerializer, Alias("LoginRecord")]
public sealed class LoginRecord
{
    /// <summary>Login (session) id, safe to show.</summary>
    [Id(0)] public string Id { get; set; } = string.Empty;

    /// <summary>Dynamic or cookie.</summary>
    [Id(1)] public LoginKind Kind { get; set; }

    /// <summary>The API incarnation a dynamic login is bound to; null for cookie logins.</summary>
    [Id(2)] public string? Scope { get; set; }

    /// <summary>The API the login was made on.</summary>
    [Id(3)] public string? ApiId { get; set; }

    /// <summary>Creation time (Unix seconds).</summary>
    [Id(4)] public long CreatedAt { get; set; }

    /// <summary>Last use as persisted (Unix seconds); the grain keeps a fresher value in memory.</summary>
    [Id(5)] public long LastSeenAt { get; set; }

    /// <summary>Idle timeout of a cookie session (s); 0 for none.</summary>
    [Id(6)] public int IdleTimeout { get; set; }

    /// <summary>Client address at login.</summary>
    [Id(7)] public string? ClientIp { get; set; }

    /// <summary>
    /// Last use seen by the grain since it last wrote its state (Unix seconds; 0 for none). Held in memory
    /// only (no <c>Id</c>, so never serialized): validation stays read-only, and the grain folds it into
    /// <see cref="LastSeenAt"/> when it next writes.
    /// </summary>
    public long SeenAt { get => _seenAt; set => _seenAt = value; }

    [NonSerialized]
    private long _seenAt;
}

/// <summary>A stored token: its hash, what it is for and when it ends.</summary>
[GenerateSerializer, Alias("TokenRecord")]
public sealed class TokenRecord
{
    /// <summary>SHA-256 of the secret.</summary>
    [Id(0)] public byte[] Hash { get; set; } = [];

    /// <summary>Kind.</summary>
    [Id(1)] public TokenKind Kind { get; set; }

    /// <summary>The login it belongs to.</summary>
    [Id(2)] public string LoginId { get; set; } = string.Empty;

    /// <summary>Expiry (Unix seconds).</summary>
    [Id(3)] public long ExpiresAt { get; set; }

    /// <summary>True once a one-time token (grant, rotated refresh, replaced auto-login) has been used.</summary>
    [Id(4)] public bool Redeemed { get; set; }

    /// <summary>When a rotated refresh token or a replaced auto-login token was replaced (Unix milliseconds); 0 when it was not.</summary>
    [Id(5)] public long RotatedAt { get; set; }

    /// <summary>Issue order within the member (see <see cref="MemberSessionState.LastSerial"/>); 0 for tokens stored before it existed.</summary>
    [Id(6)] public long Serial { get; set; }
}
