namespace ApiSecurity.Grains.Security;

/// <summary>
/// A named 256-bit key of the cluster (key: its purpose, such as <c>mfa</c>), created on first use
/// and kept in grain storage, so every silo and every restart uses the same one.
/// </summary>
[Alias("ISecretKeyGrain")]
public interface ISecretKeyGrain : IGrainWithStringKey
{
    /// <summary>The key, creating it on first use.</summary>
    [Alias("GetKey")]
    Task<byte[]> GetKeyAsync();
}

/// <summary>Persisted state of a <see cref="ISecretKeyGrain"/>.</summary>
[GenerateSerializer, Alias("SecretKeyState")]
public sealed class SecretKeyState
{
    /// <summary>The key, or null before first use.</summary>
    [Id(0)] public byte[]? Key { get; set; }
}

/// <inheritdoc cref="ISecretKeyGrain"/>
[GrainType("secret-key")]
public sealed class SecretKeyGrain(
    [PersistentState("secret-key", StorageNames.Store)] IPersistentState<SecretKeyState> state) : Grain, ISecretKeyGrain
{
    /// <inheritdoc/>
    public async Task<byte[]> GetKeyAsync()
    {
        if (state.State.Key is null)
        {
            state.State.Key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            await state.WriteStateAsync();
        }

        return state.State.Key.ToArray();
    }
}
