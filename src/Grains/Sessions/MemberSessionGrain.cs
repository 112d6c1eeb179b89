using ApiSecurity.Grains.Security;
using Orleans.Storage;

namespace ApiSecurity.Grains.Sessions;

/// <inheritdoc cref="IMemberSessionGrain"/>
[GrainType(GrainTypeName)]
public sealed class MemberSessionGrain(
    [PersistentState("member-session", StorageNames.Store)] IPersistentState<MemberSessionState> state,
    TokenKeyRing keys,
    TimeProvider time) : Grain, IMemberSessionGrain
{
    /// <summary>The grain type (part of every session grain's id).</summary>
    public const string GrainTypeName = "member-session";

    private const int MaxLoginsPerMember = 200;

    // Bounds per login, so that whatever a client does its member's state (written whole on every
    // change) stays small: 4,500 refreshes of one non-rotating refresh token once made it 510 KB.
    private const int MaxLiveTokensPerKind = 10;
    // Replaced one-time tokens (rotated refresh tokens, replaced auto-login tokens) kept per login and
    // kind to recognise a replay; an older one presented again is merely refused.
    private const int MaxRetiredTokensPerKind = 10;

    // Two tabs refreshing at once present the same refresh (or auto-login) token: within this time of
    // its rotation a second presentation gets a new pair; later it is a replay and ends the login.
    private static readonly TimeSpan ReuseLeeway = TimeSpan.FromSeconds(10);

    // last_seen of cookie sessions is kept in memory (LoginRecord.SeenAt) and written at most about once
    // a minute per login in use, or on deactivation: validation stays read-only, and a crash costs at most
    // a minute of idle time. The write is a one-way call to this grain, not a timer: a grain timer cost
    // ~800 bytes per activation in use (see BENCHMARKS.md).
    private static readonly TimeSpan LastSeenFlushPeriod = TimeSpan.FromMinutes(1);
    private bool _lastSeenDirty;
    private bool _flushQueued;

    private MemberSessionState S => state.State;

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    private long NowMilliseconds => time.GetUtcNow().ToUnixTimeMilliseconds();

    private long MemberId => this.GetPrimaryKeyLong();

    /// <inheritdoc/>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await FlushLastSeenAsync(cancellationToken);
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote in the meantime (possible briefly after a silo failure); its state
            // wins. Only idle-timer freshness is lost, never a login or a revocation.
        }
    }

    /// <inheritdoc/>
    public async Task<GrantIssue> IssueGrantAsync(string scope, string apiId, int lifespan, string? clientIp)
    {
        var mac = await keys.GetAsync();
        var now = Now;
        var login = NewLogin(LoginKind.Dynamic, scope, apiId, now, 0, clientIp);
        var grant = AddToken(mac, TokenKind.Grant, login.Id, now + lifespan);
        await SaveAsync(now);
        return new GrantIssue(grant, login.Id);
    }

    /// <inheritdoc/>
    public async Task<TokenExchange?> RedeemGrantAsync(string scope, string secret, TokenPolicy policy)
    {
        var mac = await keys.GetAsync();
        var now = Now;
        if (Find(secret, TokenKind.Grant) is not { } grant || !InScope(grant, scope))
        {
            return null;
        }

        if (grant.Redeemed)
        {
            // A grant is one-time: a second use means it leaked, so end everything issued from it
            // (the same response to code reuse as RFC 6749 §4.1.2 asks of authorization codes).
            await RevokeLoginAsync(grant.LoginId);
            return null;
        }

        if (grant.ExpiresAt <= now)
        {
            return null;
        }

        grant.Redeemed = true;
        var exchange = IssuePair(mac, grant.LoginId, now, policy, issueRefresh: policy.UseRefreshToken);
        await SaveAsync(now);
        return exchange;
    }

    /// <inheritdoc/>
    public async Task<TokenExchange?> RefreshAsync(string scope, string secret, TokenPolicy policy)
    {
        var mac = await keys.GetAsync();
        var now = Now;
        if (!policy.UseRefreshToken || Find(secret, TokenKind.Refresh) is not { } refresh || !InScope(refresh, scope))
        {
            return null;
        }

        if (refresh.Redeemed && !WithinReuseLeeway(refresh))
        {
            // Rotated refresh token presented again: revoke the whole chain (RFC 6749 §10.4 / OAuth 2.0 Security BCP §4.14).
            await RevokeLoginAsync(refresh.LoginId);
            return null;
        }

        if (refresh.ExpiresAt <= now)
        {
            return null;
        }

        TokenExchange exchange;
        if (policy.RotateRefreshToken || refresh.Redeemed)
        {
            // Within the leeway a rotated token gets a new pair of its own and the first successor stays valid.
            Retire(refresh);
            exchange = IssuePair(mac, refresh.LoginId, now, policy, issueRefresh: true);
        }
        else
        {
            var access = AddToken(mac, TokenKind.Access, refresh.LoginId, now + policy.AccessTokenLifespan);
            exchange = new TokenExchange(access, null);
        }

        await SaveAsync(now);
        return exchange;
    }

    /// <inheritdoc/>
    public Task<SessionCheck?> ValidateAccessAsync(string scope, string secret)
    {
        var access = Find(secret, TokenKind.Access);
        var valid = access is not null && access.ExpiresAt > Now && InScope(access, scope);
        return Task.FromResult(valid ? new SessionCheck(access!.LoginId, access.ExpiresAt) : null);
    }

    /// <inheritdoc/>
    public async Task<CookieIssue> StartCookieSessionAsync(CookiePolicy policy, bool loginSave, string apiId, string? clientIp)
    {
        var mac = await keys.GetAsync();
        var now = Now;
        var login = NewLogin(LoginKind.Cookie, null, apiId, now, policy.IdleTimeout, clientIp);
        var session = AddToken(mac, TokenKind.CookieSession, login.Id, now + policy.Lifetime);
        var autoLogin = loginSave ? AddToken(mac, TokenKind.CookieAutoLogin, login.Id, now + policy.LoginSaveLifetime) : null;
        await SaveAsync(now);
        return new CookieIssue(session, autoLogin, login.Id);
    }

    /// <inheritdoc/>
    public Task<SessionCheck?> ValidateCookieAsync(string secret)
    {
        var now = Now;
        if (Find(secret, TokenKind.CookieSession) is not { } session || session.ExpiresAt <= now
            || !S.Logins.TryGetValue(session.LoginId, out var login))
        {
            return Task.FromResult<SessionCheck?>(null);
        }

        if (login.IdleTimeout > 0 && LastSeen(login) + login.IdleTimeout <= now)
        {
            return Task.FromResult<SessionCheck?>(null);
        }

        login.SeenAt = now;
        _lastSeenDirty = true;
        if (!_flushQueued && now - login.LastSeenAt >= (long)LastSeenFlushPeriod.TotalSeconds)
        {
            // Runs after the validations in progress, as any call that writes.
            _flushQueued = true;
            this.AsReference<IMemberSessionGrain>().FlushLastSeenAsync().Ignore();
        }

        var validUntil = login.IdleTimeout > 0 ? Math.Min(session.ExpiresAt, now + login.IdleTimeout) : session.ExpiresAt;
        return Task.FromResult<SessionCheck?>(new SessionCheck(login.Id, validUntil));
    }

    /// <inheritdoc/>
    public async Task<CookieIssue?> RestoreCookieSessionAsync(string secret, CookiePolicy policy)
    {
        var mac = await keys.GetAsync();
        var now = Now;
        if (Find(secret, TokenKind.CookieAutoLogin) is not { } autoLogin || autoLogin.ExpiresAt <= now
            || !S.Logins.TryGetValue(autoLogin.LoginId, out var login))
        {
            return null;
        }

        if (autoLogin.Redeemed && !WithinReuseLeeway(autoLogin))
        {
            // A replaced auto-login cookie came back: two holders of one cookie, so end the login, as
            // for a reused rotated refresh token (OAuth 2.0 Security BCP §4.14).
            await RevokeLoginAsync(login.Id);
            return null;
        }

        // Each restore replaces the auto-login token and the login's session, so restores cannot pile up
        // state; the new auto-login token keeps the old one's absolute end.
        Retire(autoLogin);
        RemoveTokens(login.Id, TokenKind.CookieSession);
        var session = AddToken(mac, TokenKind.CookieSession, login.Id, Math.Min(now + policy.Lifetime, autoLogin.ExpiresAt));
        var next = AddToken(mac, TokenKind.CookieAutoLogin, login.Id, autoLogin.ExpiresAt);
        login.LastSeenAt = now;
        await SaveAsync(now);
        return new CookieIssue(session, next, login.Id);
    }

    /// <inheritdoc/>
    public async Task<bool> LogoutAsync(string secret)
    {
        var hash = Secrets.HashKey(secret);
        if (!S.Tokens.TryGetValue(hash, out var record))
        {
            return false;
        }

        await RevokeLoginAsync(record.LoginId);
        return true;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<SessionInfo>> ListAsync()
    {
        var now = Now;
        var expiries = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var token in S.Tokens.Values)
        {
            if (token.ExpiresAt > now && !token.Redeemed)
            {
                expiries[token.LoginId] = Math.Max(expiries.GetValueOrDefault(token.LoginId), token.ExpiresAt);
            }
        }

        IReadOnlyList<SessionInfo> list = S.Logins.Values
            .Where(l => expiries.ContainsKey(l.Id))
            .OrderBy(l => l.CreatedAt)
            .Select(l => new SessionInfo(l.Id, l.Kind, l.ApiId, l.CreatedAt, expiries[l.Id], LastSeen(l), l.ClientIp))
            .ToList();
        return Task.FromResult(list);
    }

    /// <inheritdoc/>
    public async Task<bool> RevokeAsync(string sessionId)
    {
        if (!S.Logins.ContainsKey(sessionId))
        {
            return false;
        }

        await RevokeLoginAsync(sessionId);
        return true;
    }

    /// <inheritdoc/>
    public async Task<int> RevokeAllAsync()
    {
        var count = S.Logins.Count;
        if (count == 0 && S.Tokens.Count == 0)
        {
            return 0;
        }

        S.Logins.Clear();
        S.Tokens.Clear();
        await state.WriteStateAsync();
        return count;
    }

    /// <inheritdoc/>
    public async Task<int> RevokeAllExceptAsync(string? keepLoginId)
    {
        if (keepLoginId is null || !S.Logins.ContainsKey(keepLoginId))
        {
            return await RevokeAllAsync();
        }

        // One write for all of them: a member with many logins ends them in one step.
        var others = S.Logins.Keys.Where(id => id != keepLoginId).ToList();
        foreach (var loginId in others)
        {
            RemoveLogin(loginId);
        }

        if (others.Count > 0)
        {
            await state.WriteStateAsync();
        }

        return others.Count;
    }

    private bool InScope(TokenRecord record, string scope) =>
        S.Logins.TryGetValue(record.LoginId, out var login) && string.Equals(login.Scope, scope, StringComparison.Ordinal);

    /// <summary>
    /// The live record of a presented secret: records are keyed by the secret's SHA-256, so finding one is the
    /// comparison (the look-up learns nothing about the secret beyond its hash).
    /// </summary>
    private TokenRecord? Find(string secret, TokenKind kind) =>
        S.Tokens.TryGetValue(Secrets.HashKey(secret), out var record) && record.Kind == kind ? record : null;

    private static long LastSeen(LoginRecord login) => Math.Max(login.SeenAt, login.LastSeenAt);

    private LoginRecord NewLogin(LoginKind kind, string? scope, string apiId, long now, int idleTimeout, string? clientIp)
    {
        if (S.Logins.Count >= MaxLoginsPerMember)
        {
            Prune(now);
        }

        // Make room before adding, so the new login is never the one dropped (all may share one CreatedAt second).
        while (S.Logins.Count >= MaxLoginsPerMember)
        {
            RemoveLogin(S.Logins.Values.MinBy(l => l.CreatedAt)!.Id);
        }

        var login = new LoginRecord
        {
            Id = Secrets.NewId(),
            Kind = kind,
            Scope = scope,
            ApiId = apiId,
            CreatedAt = now,
            LastSeenAt = now,
            IdleTimeout = idleTimeout,
            ClientIp = clientIp,
        };
        S.Logins[login.Id] = login;
        return login;
    }

    private IssuedToken AddToken(TokenMac mac, TokenKind kind, string loginId, long expiresAt)
    {
        // At most MaxLiveTokensPerKind live tokens of a kind per login: the oldest goes first (for access
        // tokens this is the contract's bound of 10; for the others it stops a replay within the leeway from piling up).
        var live = S.Tokens.Where(t => t.Value.LoginId == loginId && t.Value.Kind == kind && !t.Value.Redeemed).ToList();
        if (live.Count >= MaxLiveTokensPerKind)
        {
            foreach (var (key, _) in live.OrderBy(t => t.Value.Serial).Take(live.Count - MaxLiveTokensPerKind + 1))
            {
                S.Tokens.Remove(key);
            }
        }

        var token = mac.Create(MemberId);
        var hash = Secrets.Hash(token.Secret);
        S.Tokens[Convert.ToHexStringLower(hash)] = new TokenRecord
        {
            Hash = hash,
            Kind = kind,
            LoginId = loginId,
            ExpiresAt = expiresAt,
            Serial = ++S.LastSerial,
        };
        return new IssuedToken(token.ToString(), expiresAt);
    }

    private TokenExchange IssuePair(TokenMac mac, string loginId, long now, TokenPolicy policy, bool issueRefresh)
    {
        var access = AddToken(mac, TokenKind.Access, loginId, now + policy.AccessTokenLifespan);
        var refresh = issueRefresh ? AddToken(mac, TokenKind.Refresh, loginId, now + policy.RefreshTokenLifespan) : null;
        return new TokenExchange(access, refresh);
    }

    private bool WithinReuseLeeway(TokenRecord record) =>
        record.RotatedAt > 0 && NowMilliseconds - record.RotatedAt <= (long)ReuseLeeway.TotalMilliseconds;

    /// <summary>Marks a rotated token as used (first time only), keeping the last few per login and kind to recognise a replay.</summary>
    private void Retire(TokenRecord record)
    {
        if (record.Redeemed)
        {
            return;
        }

        record.Redeemed = true;
        record.RotatedAt = NowMilliseconds;
        var retired = S.Tokens.Where(t => t.Value.LoginId == record.LoginId && t.Value.Kind == record.Kind && t.Value.Redeemed).ToList();
        foreach (var (key, _) in retired.OrderBy(t => t.Value.Serial).Take(retired.Count - MaxRetiredTokensPerKind))
        {
            S.Tokens.Remove(key);
        }
    }

    private void RemoveTokens(string loginId, TokenKind kind)
    {
        foreach (var key in S.Tokens.Where(t => t.Value.LoginId == loginId && t.Value.Kind == kind).Select(t => t.Key).ToList())
        {
            S.Tokens.Remove(key);
        }
    }

    private void RemoveLogin(string loginId)
    {
        S.Logins.Remove(loginId);
        foreach (var key in S.Tokens.Where(t => t.Value.LoginId == loginId).Select(t => t.Key).ToList())
        {
            S.Tokens.Remove(key);
        }
    }

    private async Task RevokeLoginAsync(string loginId)
    {
        RemoveLogin(loginId);
        await state.WriteStateAsync();
    }

    private async Task SaveAsync(long now)
    {
        Prune(now);
        ApplyLastSeen();
        await state.WriteStateAsync();
    }

    private void Prune(long now)
    {
        foreach (var key in S.Tokens.Where(t => t.Value.ExpiresAt <= now).Select(t => t.Key).ToList())
        {
            S.Tokens.Remove(key);
        }

        var live = S.Tokens.Values.Select(t => t.LoginId).ToHashSet(StringComparer.Ordinal);
        foreach (var id in S.Logins.Keys.Where(id => !live.Contains(id)).ToList())
        {
            S.Logins.Remove(id);
        }
    }

    private void ApplyLastSeen()
    {
        foreach (var login in S.Logins.Values)
        {
            if (login.SeenAt > login.LastSeenAt)
            {
                login.LastSeenAt = login.SeenAt;
            }
        }

        _lastSeenDirty = false;
    }

    /// <inheritdoc/>
    public async Task FlushLastSeenAsync()
    {
        _flushQueued = false;
        try
        {
            await FlushLastSeenAsync(CancellationToken.None);
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote in the meantime (briefly possible after a silo failure); its state wins.
        }
    }

    private async Task FlushLastSeenAsync(CancellationToken cancellationToken)
    {
        if (!_lastSeenDirty)
        {
            return;
        }

        ApplyLastSeen();
        await state.WriteStateAsync(cancellationToken);
    }
}
