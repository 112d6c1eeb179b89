namespace ApiSecurity.Grains.Security;

/// <summary>
/// The cluster's session-token keys (a singleton: key 0). Created on first use and kept in grain
/// storage, so every silo and web front of a cluster, and every restart, sign and check with the same keys.
/// </summary>
[Alias("ITokenKeyGrain")]
public interface ITokenKeyGrain : IGrainWithIntegerKey
{
    /// <summary>The keys, creating the first one on first use.</summary>
    [Alias("GetKeys")]
    Task<TokenKeySet> GetKeysAsync();

    /// <summary>
    /// Adds a new key that starts signing after every front has had time to load it, and drops keys
    /// older than the one signing now. Tokens signed with a dropped key stop working: rotate at most
    /// once per longest token lifetime. Does nothing while a previous rotation is still pending.
    /// </summary>
    [Alias("Rotate")]
    Task<TokenKeySet> RotateAsync();
}
