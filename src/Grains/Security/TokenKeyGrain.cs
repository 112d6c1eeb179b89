namespace ApiSecurity.Grains.Security;

/// <inheritdoc cref="ITokenKeyGrain"/>
[GrainType("token-keys")]
public sealed class TokenKeyGrain(
    [PersistentState("token-keys", StorageNames.Store)] IPersistentState<TokenKeyState> state,
    TimeProvider time) : Grain, ITokenKeyGrain
{
    /// <summary>
    /// How long a new key waits before it signs: two refresh periods of <see cref="TokenKeyRing"/>, so
    /// every front has loaded it before the first token signed with it reaches them.
    /// </summary>
    public static readonly TimeSpan SigningDelay = TokenKeyRing.RefreshPeriod * 2;

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    /// <inheritdoc/>
    public async Task<TokenKeySet> GetKeysAsync()
    {
        if (state.State.Keys.Count == 0)
        {
            var now = Now;
            state.State.Keys.Add(TokenKey.Create(1, now, now));
            await state.WriteStateAsync();
        }

        return new TokenKeySet(state.State.Keys.ToList());
    }

    /// <inheritdoc/>
    public async Task<TokenKeySet> RotateAsync()
    {
        var keys = await GetKeysAsync();
        var now = Now;
        if (keys.Keys.Any(k => k.SignsFrom > now))
        {
            return keys;
        }

        var signing = keys.SigningKey(now);
        var id = (byte)(signing.Id == byte.MaxValue ? 1 : signing.Id + 1);
        state.State.Keys = [signing, TokenKey.Create(id, now, now + (long)SigningDelay.TotalSeconds)];
        await state.WriteStateAsync();
        return new TokenKeySet(state.State.Keys.ToList());
    }
}
