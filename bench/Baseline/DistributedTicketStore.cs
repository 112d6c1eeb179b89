using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Distributed;

namespace ApiSecurity.Bench.Baseline;

/// <summary>
/// Server-side cookie sessions in a distributed cache (Redis): the cookie carries only a key, the
/// ticket lives in the cache, so deleting the entry revokes the session. The usual ASP.NET Core
/// pattern for revocable cookie authentication.
/// </summary>
public sealed class DistributedTicketStore(IDistributedCache cache) : ITicketStore
{
    private const string Prefix = "ticket:";

    /// <inheritdoc/>
    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Guid.NewGuid().ToString("N");
        await RenewAsync(key, ticket);
        return key;
    }

    /// <inheritdoc/>
    public Task RenewAsync(string key, AuthenticationTicket ticket) =>
        cache.SetAsync(Prefix + key, TicketSerializer.Default.Serialize(ticket), new DistributedCacheEntryOptions
        {
            AbsoluteExpiration = ticket.Properties.ExpiresUtc ?? DateTimeOffset.UtcNow.AddHours(1),
        });

    /// <inheritdoc/>
    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var bytes = await cache.GetAsync(Prefix + key);
        return bytes is null ? null : TicketSerializer.Default.Deserialize(bytes);
    }

    /// <inheritdoc/>
    public Task RemoveAsync(string key) => cache.RemoveAsync(Prefix + key);
}
