using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Sessions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ApiSecurity.Grains.Members;

/// <inheritdoc cref="IMemberGrain"/>
[GrainType("member")]
public sealed class MemberGrain(
    [PersistentState("member", StorageNames.Store)] IPersistentState<MemberState> state,
    IOptions<LockoutOptions> lockout,
    PasswordWork passwords,
    TimeProvider time) : Grain, IMemberGrain
{
    private MemberState S => state.State;

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    /// <inheritdoc/>
    public async Task<MemberProfile> CreateAsync(string normalizedEmail, NewMember member, string passwordHash)
    {
        if (S.Exists)
        {
            throw new InvalidOperationException($"member {this.GetPrimaryKeyLong()} already exists");
        }

        if (this.GetPrimaryKeyLong() <= 0)
        {
            throw new InvalidOperationException("member ids below 1 are reserved for login decoys");
        }

        state.State = new MemberState
        {
            Exists = true,
            Email = normalizedEmail,
            PasswordHash = passwordHash,
            Name1 = member.Name1 ?? string.Empty,
            Name2 = member.Name2 ?? string.Empty,
            Nickname = member.Nickname ?? string.Empty,
            Groups = member.Groups?.Distinct(StringComparer.Ordinal).ToList() ?? [],
            CreatedAt = Now,
        };
        await state.WriteStateAsync();
        return Profile();
    }

    /// <inheritdoc/>
    public Task<bool> ExistsAsync() => Task.FromResult(S.Exists);

    /// <inheritdoc/>
    public Task<MemberProfile?> GetProfileAsync() => Task.FromResult(S.Exists ? Profile() : null);

    /// <inheritdoc/>
    public async Task<LoginStatus> CheckPasswordAsync(string password, string? clientIp)
    {
        // Every outcome does the same work, so its timing tells nothing: one verification on the
        // hashing pool (against a decoy hash when there is no usable hash), one history record and
        // one state write. Unknown emails reach a decoy member (no state yet) through this same code.
        // The grain is not reentrant, so attempts on one member run one after another: concurrent
        // wrong passwords all count, and a lockout set by one attempt holds for the next.
        var locked = S.Exists && S.LockedUntil is { } until && until > Now;
        var tooLong = password.Length > MemberValidation.MaxPasswordLength;
        var hash = S.Exists && !locked && !tooLong ? S.PasswordHash : null;
        var verified = await passwords.VerifyAsync(hash, tooLong ? string.Empty : password);

        var now = Now;
        LoginStatus outcome;
        if (locked)
        {
            outcome = LoginStatus.LockedOut;
        }
        else if (verified != PasswordVerificationResult.Failed)
        {
            outcome = LoginStatus.Ok;
            S.FailedLogins = 0;
            S.LockedUntil = null;
            if (verified == PasswordVerificationResult.SuccessRehashNeeded)
            {
                S.PasswordHash = await passwords.HashAsync(password);
            }
        }
        else
        {
            outcome = LoginStatus.InvalidCredentials;
            if (S.Exists)
            {
                S.FailedLogins++;
                S.LockedUntil = null;
                if (S.FailedLogins >= Math.Max(1, lockout.Value.MaxFailedAttempts))
                {
                    S.LockedUntil = now + (long)Math.Max(1, lockout.Value.Duration.TotalSeconds);
                    S.FailedLogins = 0;
                }
            }
        }

        Record(now, clientIp, outcome);
        await state.WriteStateAsync();
        return outcome;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<LoginAttempt>?> GetLoginHistoryAsync() =>
        Task.FromResult<IReadOnlyList<LoginAttempt>?>(S.Exists ? S.LoginHistory.AsEnumerable().Reverse().ToList() : null);

    private void Record(long now, string? clientIp, LoginStatus outcome)
    {
        S.LoginHistory.Add(new LoginAttempt(now, clientIp, outcome));
        if (S.LoginHistory.Count > LoginAttempt.Kept)
        {
            S.LoginHistory.RemoveRange(0, S.LoginHistory.Count - LoginAttempt.Kept);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> UnlockAsync()
    {
        if (!S.Exists)
        {
            return false;
        }

        S.FailedLogins = 0;
        S.LockedUntil = null;
        await state.WriteStateAsync();
        return true;
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync()
    {
        if (!S.Exists)
        {
            return false;
        }

        var id = this.GetPrimaryKeyLong();
        var email = S.Email;

        // Revoke first: once the sessions are gone nothing issued to this member works any more,
        // even if a later step fails and the administrator has to retry.
        await GrainFactory.GetGrain<IMemberSessionGrain>(id).RevokeAllAsync();
        var catalog = await GrainFactory.GetGrain<IApiCatalogGrain>(0).GetChangesAsync(-1);
        if (catalog is not null)
        {
            await Task.WhenAll(catalog.Versions.Keys.Select(apiId =>
                GrainFactory.GetGrain<IApiGrain>(apiId).RevokeStaticTokensOfMemberAsync(id)));
        }

        state.State = new MemberState { Exists = false };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IEmailIndexGrain>(email).ReleaseAsync(id);
        await GrainFactory.GetGrain<IMemberDirectoryGrain>(0).RemoveAsync(id);
        return true;
    }

    private MemberProfile Profile() => new(
        this.GetPrimaryKeyLong(),
        S.Email,
        S.Name1,
        S.Name2,
        S.Nickname,
        S.Groups.ToList(),
        S.CreatedAt,
        S.LockedUntil is { } until && until > Now ? until : null,
        S.FailedLogins);
}
