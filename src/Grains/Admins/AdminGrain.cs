using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Security;

namespace ApiSecurity.Grains.Admins;

/// <inheritdoc cref="IAdminGrain"/>
[GrainType("admin")]
public sealed class AdminGrain(
    [PersistentState("admin", StorageNames.Store)] IPersistentState<AdminState> state,
    TimeProvider time) : Grain, IAdminGrain
{
    /// <summary>Most credentials one administrator may hold at once; bounds the state and each sign-in's work.</summary>
    public const int MaxTokens = 20;

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    /// <inheritdoc/>
    public async Task<AdminInfo?> CreateAsync(string name, AdminRole role)
    {
        if (state.State.Exists)
        {
            return null;
        }

        state.State = new AdminState { Exists = true, Name = name, Role = role, CreatedAt = Now };
        await state.WriteStateAsync();
        return Info();
    }

    /// <inheritdoc/>
    public Task<AdminInfo?> GetAsync() => Task.FromResult(state.State.Exists ? Info() : null);

    /// <inheritdoc/>
    public async Task<AdminInfo?> DeleteAsync()
    {
        if (!state.State.Exists)
        {
            return null;
        }

        var was = Info();

        // Keep the tombstone (Exists = false, no tokens) rather than clearing: the id is never reused.
        state.State.Exists = false;
        state.State.Tokens.Clear();
        await state.WriteStateAsync();
        return was;
    }

    /// <inheritdoc/>
    public async Task<AdminResult<IssuedAdminToken>> IssueTokenAsync(long? expiresAt)
    {
        if (!state.State.Exists)
        {
            return AdminResult<IssuedAdminToken>.Fail(AdminOutcome.NotFound, new AdminError(AdminErrorCodes.NotFound, "Administrator does not exist"));
        }

        var now = Now;
        if (expiresAt is { } at && at <= now)
        {
            return AdminResult<IssuedAdminToken>.Fail(AdminOutcome.Invalid, new AdminError(AdminErrorCodes.Invalid, "expires_at must be in the future", AdminFields.ExpiresAt));
        }

        Prune(now);
        if (state.State.Tokens.Count >= MaxTokens)
        {
            return AdminResult<IssuedAdminToken>.Fail(AdminOutcome.Conflict, new AdminError(AdminErrorCodes.TooMany, $"An administrator holds at most {MaxTokens} tokens; revoke one first"));
        }

        var secret = Secrets.NewSecret();
        var tokenId = Secrets.NewId();
        state.State.Tokens[tokenId] = new StoredAdminToken(Secrets.Hash(secret), now, expiresAt);
        await state.WriteStateAsync();
        var info = new AdminTokenInfo(tokenId, now, expiresAt);
        return AdminResult<IssuedAdminToken>.Ok(new IssuedAdminToken(info, AdminTokenFormat.Format(this.GetPrimaryKeyString(), secret)));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<AdminTokenInfo>?> ListTokensAsync()
    {
        if (!state.State.Exists)
        {
            return Task.FromResult<IReadOnlyList<AdminTokenInfo>?>(null);
        }

        var now = Now;
        IReadOnlyList<AdminTokenInfo> list = state.State.Tokens
            .Where(t => t.Value.ExpiresAt is null || t.Value.ExpiresAt > now)
            .OrderBy(t => t.Value.CreatedAt)
            .Select(t => new AdminTokenInfo(t.Key, t.Value.CreatedAt, t.Value.ExpiresAt))
            .ToList();
        return Task.FromResult<IReadOnlyList<AdminTokenInfo>?>(list);
    }

    /// <inheritdoc/>
    public async Task<bool> RevokeTokenAsync(string tokenId)
    {
        if (!state.State.Exists || !state.State.Tokens.Remove(tokenId))
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }

    /// <inheritdoc/>
    public Task<AdminIdentity?> AuthenticateAsync(string secret)
    {
        if (!state.State.Exists || !Secrets.IsWellFormedSecret(secret))
        {
            return Task.FromResult<AdminIdentity?>(null);
        }

        Span<byte> hash = stackalloc byte[32];
        Secrets.Hash(secret, hash);
        var now = Now;
        foreach (var (id, token) in state.State.Tokens)
        {
            if (Secrets.HashesEqual(hash, token.Hash) && (token.ExpiresAt is null || token.ExpiresAt > now))
            {
                return Task.FromResult<AdminIdentity?>(new AdminIdentity(this.GetPrimaryKeyString(), state.State.Name, state.State.Role, id));
            }
        }

        return Task.FromResult<AdminIdentity?>(null);
    }

    private void Prune(long now)
    {
        foreach (var id in state.State.Tokens.Where(t => t.Value.ExpiresAt <= now).Select(t => t.Key).ToList())
        {
            state.State.Tokens.Remove(id);
        }
    }

    private AdminInfo Info() => new(this.GetPrimaryKeyString(), state.State.Name, state.State.Role, state.State.CreatedAt, !state.State.Exists);
}
