using System.Collections.Concurrent;
using ApiSecurity.Grains.Admins;
using ApiSecurity.Grains.Security;
using ApiSecurity.Hosting.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ApiSecurity.Hosting.Admin;

/// <summary>
/// Resolves a presented admin credential to who holds it: the configured bootstrap token, or a named
/// administrator's token <c>adm_{adminId}.{secret}</c> checked by that administrator's grain.
/// </summary>
/// <remarks>
/// Positive answers are kept for at most <see cref="CacheMilliseconds"/> so a console that polls does not
/// reach the cluster on every call, while deleting an administrator or revoking a token takes effect on
/// every front within that second. Negative answers are not kept: a wrong token must never become valid late.
/// </remarks>
public sealed class AdminCredentialResolver(AdminToken bootstrap, IServiceProvider services)
{
    /// <summary>How long a positive lookup is reused.</summary>
    public const int CacheMilliseconds = 1000;

    /// <summary>The id and credential id of the configured bootstrap token.</summary>
    public const string BootstrapId = "bootstrap";

    private const int MaxCached = 4096;

    private static readonly AdminIdentity Bootstrap = new(BootstrapId, AdminDirectoryGrain.BootstrapName, AdminRole.Admin, BootstrapId);

    private readonly ConcurrentDictionary<Sha256Key, (AdminIdentity Identity, long Until)> _cache = new();
    private IGrainFactory? _grains;

    /// <summary>
    /// Drops this front's cached answers for an administrator (all its credentials, or one), so a deletion or
    /// revocation made through this front holds for its very next request; other fronts follow within the cache time.
    /// </summary>
    public void Forget(string adminId, string? credentialId = null)
    {
        foreach (var (key, entry) in _cache)
        {
            if (entry.Identity.AdminId == adminId && (credentialId is null || entry.Identity.CredentialId == credentialId))
            {
                _cache.TryRemove(key, out _);
            }
        }
    }

    /// <summary>The holder of <paramref name="presented"/>, or null when it is not a valid credential.</summary>
    public async ValueTask<AdminIdentity?> ResolveAsync(string presented)
    {
        if (bootstrap.Matches(presented))
        {
            return Bootstrap;
        }

        if (!AdminTokenFormat.TryParse(presented, out var adminId, out var secret))
        {
            return null;
        }

        var key = Sha256Key.Of(presented);
        var now = Environment.TickCount64;
        if (_cache.TryGetValue(key, out var hit) && hit.Until > now)
        {
            return hit.Identity;
        }

        _grains ??= services.GetRequiredService<IGrainFactory>();
        var identity = await _grains.GetGrain<IAdminGrain>(adminId).AuthenticateAsync(secret);
        if (identity is null)
        {
            _cache.TryRemove(key, out _);
            return null;
        }

        if (_cache.Count >= MaxCached)
        {
            // Crude but bounded: the cache only saves round trips, so dropping it costs one lookup per caller.
            _cache.Clear();
        }

        _cache[key] = (identity, now + CacheMilliseconds);
        return identity;
    }
}
