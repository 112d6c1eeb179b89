using System.Security.Cryptography;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OtpNet;

namespace ApiSecurity.Grains.Members;

/// <inheritdoc cref="IMemberGrain"/>
[GrainType("member")]
public sealed class MemberGrain(
    [PersistentState("member", StorageNames.Store)] IPersistentState<MemberState> state,
    IOptions<LockoutOptions> lockout,
    PasswordWork passwords,
    TokenKeyRing keys,
    TimeProvider time) : Grain, IMemberGrain
{
    // A two-factor login must be finished within this time of its password step.
    private const int MfaTicketLifetime = 300;
    private const int MaxMfaTickets = 5;
    private const int RecoveryCodeCount = 10;
    private const int TotpSecretBytes = 20;

    private byte[]? _mfaKey;

    private MemberState S => state.State;

    private long Id => this.GetPrimaryKeyLong();

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
        var outcome = await VerifyPasswordAsync(password, clientIp);
        await state.WriteStateAsync();
        return outcome;
    }

    // Verifies and records the attempt (failures count toward the lockout) without writing the state.
    private async Task<LoginStatus> VerifyPasswordAsync(string password, string? clientIp)
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
            // With a second factor the password is only half a login: the failure count goes on until
            // the second factor is passed, so alternating the right password with guessed codes still locks.
            if (S.MfaSecret is null)
            {
                S.FailedLogins = 0;
            }

            S.LockedUntil = null;
            if (verified == PasswordVerificationResult.SuccessRehashNeeded)
            {
                S.PasswordHash = await passwords.HashAsync(password);
            }
        }
        else
        {
            outcome = LoginStatus.InvalidCredentials;
            CountFailure(now);
        }

        Record(now, clientIp, outcome);
        return outcome;
    }

    private void CountFailure(long now)
    {
        if (!S.Exists)
        {
            return;
        }

        S.FailedLogins++;
        S.LockedUntil = null;
        if (S.FailedLogins >= Math.Max(1, lockout.Value.MaxFailedAttempts))
        {
            S.LockedUntil = now + (long)Math.Max(1, lockout.Value.Duration.TotalSeconds);
            S.FailedLogins = 0;
        }
    }

    private bool IsLocked(long now) => S.LockedUntil is { } until && until > now;


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
        var catalog = await GrainFactory.GetGrain<IApiCatalogGrain>(0).GetAllAsync();
        await Task.WhenAll(catalog.Versions.Keys.Select(apiId =>
            GrainFactory.GetGrain<IApiGrain>(apiId).RevokeStaticTokensOfMemberAsync(id)));

        state.State = new MemberState { Exists = false };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IEmailIndexGrain>(email).ReleaseAsync(id);
        await GrainFactory.GetGrain<IMemberDirectoryGrain>(0).RemoveAsync(id);
        return true;
    }

    /// <inheritdoc/>
    public async Task<LoginResult> LoginAsync(string password, string? clientIp, string scope, bool loginSave)
    {
        var outcome = await VerifyPasswordAsync(password, clientIp);
        string? mfaToken = null;
        if (outcome == LoginStatus.Ok && S.MfaSecret is not null)
        {
            // The password step of a two-factor login: nothing is issued yet, only a short-lived token
            // (MAC-signed like session tokens, so a forged one is refused before any grain call).
            var now = Now;
            var token = (await keys.GetAsync()).Create(Id);
            S.MfaTickets.RemoveAll(t => t.ExpiresAt <= now);
            if (S.MfaTickets.Count >= MaxMfaTickets)
            {
                S.MfaTickets.RemoveAt(0);
            }

            S.MfaTickets.Add(new MfaTicket { Hash = Secrets.HashKey(token.Secret), Scope = scope, ExpiresAt = now + MfaTicketLifetime, LoginSave = loginSave });
            mfaToken = token.ToString();
            outcome = LoginStatus.MfaRequired;
        }

        await state.WriteStateAsync();
        return outcome is LoginStatus.Ok or LoginStatus.MfaRequired ? new LoginResult(outcome, Id, mfaToken) : new LoginResult(outcome, 0);
    }

    /// <inheritdoc/>
    public async Task MarkEmailConfirmedAsync()
    {
        if (S.Exists && !S.EmailConfirmed)
        {
            S.EmailConfirmed = true;
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc/>
    public async Task<SelfServiceStatus> ChangePasswordAsync(string currentPassword, string newPassword, string? clientIp, string? keepLoginId)
    {
        if (!S.Exists)
        {
            return SelfServiceStatus.NotFound;
        }

        var check = await VerifyPasswordAsync(currentPassword, clientIp);
        if (check != LoginStatus.Ok)
        {
            await state.WriteStateAsync();
            return check == LoginStatus.LockedOut ? SelfServiceStatus.LockedOut : SelfServiceStatus.WrongPassword;
        }

        S.PasswordHash = await passwords.HashAsync(newPassword);
        S.Reset = null;
        // A second-step token issued under the old password must not finish a login under the new one.
        S.MfaTickets = [];
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IMemberSessionGrain>(Id).RevokeAllExceptAsync(keepLoginId);
        return SelfServiceStatus.Ok;
    }

    /// <inheritdoc/>
    public async Task<SelfServiceStatus> UpdateProfileAsync(ProfileChange change, string? clientIp)
    {
        if (!S.Exists)
        {
            return SelfServiceStatus.NotFound;
        }

        var newEmail = MemberValidation.NormalizeEmail(change.Email);
        if (newEmail is not null && newEmail != S.Email)
        {
            var check = await VerifyPasswordAsync(change.CurrentPassword ?? string.Empty, clientIp);
            if (check != LoginStatus.Ok)
            {
                await state.WriteStateAsync();
                return check == LoginStatus.LockedOut ? SelfServiceStatus.LockedOut : SelfServiceStatus.WrongPassword;
            }

            // The index entry of the new address is taken first, so two members never hold one address.
            if (!await GrainFactory.GetGrain<IEmailIndexGrain>(newEmail).ClaimAsync(Id))
            {
                await state.WriteStateAsync();
                return SelfServiceStatus.EmailTaken;
            }

            var oldEmail = S.Email;
            S.Email = newEmail;
            S.EmailConfirmed = false;
            await state.WriteStateAsync();
            await GrainFactory.GetGrain<IEmailIndexGrain>(oldEmail).ReleaseAsync(Id);
        }

        S.Name1 = change.Name1 ?? S.Name1;
        S.Name2 = change.Name2 ?? S.Name2;
        S.Nickname = change.Nickname ?? S.Nickname;
        await state.WriteStateAsync();
        return SelfServiceStatus.Ok;
    }

    /// <inheritdoc/>
    public async Task<EmailChangeStart> BeginEmailChangeAsync(string newEmail, string currentPassword, string? clientIp)
    {
        var expiresAt = Now + (long)OneTimeCodes.Lifetime.TotalSeconds;
        if (!S.Exists)
        {
            return new EmailChangeStart(SelfServiceStatus.NotFound, null, expiresAt);
        }

        var check = await VerifyPasswordAsync(currentPassword, clientIp);
        if (check != LoginStatus.Ok)
        {
            await state.WriteStateAsync();
            return new EmailChangeStart(check == LoginStatus.LockedOut ? SelfServiceStatus.LockedOut : SelfServiceStatus.WrongPassword, null, expiresAt);
        }

        // The same work either way; only the e-mail that follows differs, and only its recipient sees it.
        var holder = await GrainFactory.GetGrain<IEmailIndexGrain>(newEmail).GetMemberIdAsync();
        var code = OneTimeCodes.New();
        S.EmailChange = holder is null
            ? new EmailChangeRecord { NewEmail = newEmail, CodeHash = OneTimeCodes.Hash(code)!, ExpiresAt = expiresAt }
            : null;
        await state.WriteStateAsync();
        return new EmailChangeStart(SelfServiceStatus.Ok, holder is null ? code : null, expiresAt);
    }

    /// <inheritdoc/>
    public async Task<SelfServiceStatus> ConfirmEmailChangeAsync(string code)
    {
        if (!S.Exists)
        {
            return SelfServiceStatus.NotFound;
        }

        if (S.EmailChange is not { } change)
        {
            return SelfServiceStatus.WrongCode;
        }

        if (change.ExpiresAt <= Now)
        {
            S.EmailChange = null;
            await state.WriteStateAsync();
            return SelfServiceStatus.WrongCode;
        }

        if (!OneTimeCodes.Matches(OneTimeCodes.Hash(code), change.CodeHash))
        {
            if (++change.Attempts >= OneTimeCodes.MaxAttempts)
            {
                S.EmailChange = null;
            }

            await state.WriteStateAsync();
            return SelfServiceStatus.WrongCode;
        }

        // The index entry of the new address is taken first, so two members never hold one address;
        // someone may have registered it since the code was sent.
        S.EmailChange = null;
        if (!await GrainFactory.GetGrain<IEmailIndexGrain>(change.NewEmail).ClaimAsync(Id))
        {
            await state.WriteStateAsync();
            return SelfServiceStatus.WrongCode;
        }

        var oldEmail = S.Email;
        S.Email = change.NewEmail;
        S.EmailConfirmed = true;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IEmailIndexGrain>(oldEmail).ReleaseAsync(Id);
        return SelfServiceStatus.Ok;
    }

    /// <inheritdoc/>
    public async Task<SelfServiceStatus> DeleteSelfAsync(string currentPassword, string? clientIp)
    {
        if (!S.Exists)
        {
            return SelfServiceStatus.NotFound;
        }

        var check = await VerifyPasswordAsync(currentPassword, clientIp);
        if (check != LoginStatus.Ok)
        {
            await state.WriteStateAsync();
            return check == LoginStatus.LockedOut ? SelfServiceStatus.LockedOut : SelfServiceStatus.WrongPassword;
        }

        await DeleteAsync();
        return SelfServiceStatus.Ok;
    }

    /// <inheritdoc/>
    public async Task<PasswordResetCodes?> StartPasswordResetAsync()
    {
        if (!S.Exists)
        {
            return null;
        }

        // A new reminder replaces the previous one: only the latest e-mail works.
        var token = (await keys.GetAsync()).Create(Id);
        var code = OneTimeCodes.New();
        var expiresAt = Now + (long)OneTimeCodes.Lifetime.TotalSeconds;
        S.Reset = new PasswordResetRecord { TokenHash = Secrets.HashKey(token.Secret), CodeHash = OneTimeCodes.Hash(code)!, ExpiresAt = expiresAt };
        await state.WriteStateAsync();
        return new PasswordResetCodes(S.Email, token.ToString(), code, expiresAt);
    }

    /// <inheritdoc/>
    public async Task<SelfServiceStatus> FinishPasswordResetAsync(string tokenSecret, string code, string newPassword)
    {
        if (!S.Exists || S.Reset is not { } reset || !OneTimeCodes.Matches(Secrets.HashKey(tokenSecret), reset.TokenHash))
        {
            return SelfServiceStatus.WrongCode;
        }

        if (reset.ExpiresAt <= Now)
        {
            S.Reset = null;
            await state.WriteStateAsync();
            return SelfServiceStatus.WrongCode;
        }

        if (!OneTimeCodes.Matches(OneTimeCodes.Hash(code), reset.CodeHash))
        {
            // A few tries for typing mistakes, then the e-mail is spent and a new reminder is needed.
            if (++reset.Attempts >= OneTimeCodes.MaxAttempts)
            {
                S.Reset = null;
            }

            await state.WriteStateAsync();
            return SelfServiceStatus.WrongCode;
        }

        S.PasswordHash = await passwords.HashAsync(newPassword);
        S.Reset = null;
        S.MfaTickets = [];
        S.FailedLogins = 0;
        S.LockedUntil = null;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IMemberSessionGrain>(Id).RevokeAllAsync();
        return SelfServiceStatus.Ok;
    }

    /// <inheritdoc/>
    public async Task<MfaEnrolment?> BeginMfaEnrolmentAsync(string issuer)
    {
        if (!S.Exists || S.MfaSecret is not null)
        {
            return null;
        }

        var secret = RandomNumberGenerator.GetBytes(TotpSecretBytes);
        var codes = Enumerable.Range(0, RecoveryCodeCount).Select(_ => OneTimeCodes.New()).ToList();
        S.MfaPendingSecret = await SealAsync(secret);
        S.MfaPendingRecoveryHashes = codes.Select(c => OneTimeCodes.Hash(c)!).ToList();
        await state.WriteStateAsync();

        // Key URI format of Google Authenticator, understood by every TOTP app: label "issuer:account".
        var label = Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString(S.Email);
        var uri = $"otpauth://totp/{label}?secret={Base32Encoding.ToString(secret).TrimEnd('=')}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits=6&period=30";
        return new MfaEnrolment(uri, codes);
    }

    /// <inheritdoc/>
    public async Task<SelfServiceStatus> ConfirmMfaEnrolmentAsync(string code, string? clientIp)
    {
        if (!S.Exists)
        {
            return SelfServiceStatus.NotFound;
        }

        if (S.MfaPendingSecret is null)
        {
            return SelfServiceStatus.Conflict;
        }

        var now = Now;
        if (IsLocked(now))
        {
            return SelfServiceStatus.LockedOut;
        }

        var step = VerifyTotp(await OpenAsync(S.MfaPendingSecret), code);
        if (step is null)
        {
            CountFailure(now);
            Record(now, clientIp, LoginStatus.InvalidCredentials);
            await state.WriteStateAsync();
            return SelfServiceStatus.WrongCode;
        }

        S.MfaSecret = S.MfaPendingSecret;
        S.MfaRecoveryHashes = S.MfaPendingRecoveryHashes;
        S.MfaEnrolledAt = now;
        S.MfaLastStep = step.Value;
        S.MfaPendingSecret = null;
        S.MfaPendingRecoveryHashes = [];
        await state.WriteStateAsync();
        return SelfServiceStatus.Ok;
    }

    /// <inheritdoc/>
    public async Task<SelfServiceStatus> DisableMfaAsync(string currentPassword, string? clientIp)
    {
        if (!S.Exists)
        {
            return SelfServiceStatus.NotFound;
        }

        var check = await VerifyPasswordAsync(currentPassword, clientIp);
        if (check == LoginStatus.Ok)
        {
            ClearMfa();
        }

        await state.WriteStateAsync();
        return check switch
        {
            LoginStatus.Ok => SelfServiceStatus.Ok,
            LoginStatus.LockedOut => SelfServiceStatus.LockedOut,
            _ => SelfServiceStatus.WrongPassword,
        };
    }

    /// <inheritdoc/>
    public async Task<MfaLoginResult> CompleteMfaLoginAsync(string tokenSecret, string scope, string code, string? clientIp)
    {
        var now = Now;
        var hash = Secrets.HashKey(tokenSecret);
        var ticket = S.Exists && S.MfaSecret is not null
            ? S.MfaTickets.FirstOrDefault(t => t.ExpiresAt > now && t.Scope == scope && OneTimeCodes.Matches(hash, t.Hash))
            : null;
        if (ticket is null)
        {
            return new MfaLoginResult(SelfServiceStatus.WrongCode, false);
        }

        if (IsLocked(now))
        {
            S.MfaTickets.Remove(ticket);
            Record(now, clientIp, LoginStatus.LockedOut);
            await state.WriteStateAsync();
            return new MfaLoginResult(SelfServiceStatus.LockedOut, false);
        }

        var accepted = false;
        if (VerifyTotp(await OpenAsync(S.MfaSecret!), code) is { } step)
        {
            S.MfaLastStep = step;
            accepted = true;
        }
        else if (OneTimeCodes.Hash(code) is { } recovery && S.MfaRecoveryHashes.FirstOrDefault(h => OneTimeCodes.Matches(recovery, h)) is { } used)
        {
            S.MfaRecoveryHashes.Remove(used);
            accepted = true;
        }

        if (accepted)
        {
            S.MfaTickets.Remove(ticket);
            S.FailedLogins = 0;
            Record(now, clientIp, LoginStatus.Ok);
            await state.WriteStateAsync();
            return new MfaLoginResult(SelfServiceStatus.Ok, ticket.LoginSave);
        }

        if (++ticket.Attempts >= OneTimeCodes.MaxAttempts)
        {
            S.MfaTickets.Remove(ticket);
        }

        CountFailure(now);
        Record(now, clientIp, LoginStatus.InvalidCredentials);
        await state.WriteStateAsync();
        return new MfaLoginResult(IsLocked(now) ? SelfServiceStatus.LockedOut : SelfServiceStatus.WrongCode, false);
    }

    /// <inheritdoc/>
    public Task<MfaStatus?> GetMfaStatusAsync() => Task.FromResult(S.Exists
        ? new MfaStatus(S.MfaSecret is not null, S.MfaEnrolledAt, S.MfaPendingSecret is not null, S.MfaRecoveryHashes.Count)
        : null);

    /// <inheritdoc/>
    public async Task<bool> ResetMfaAsync()
    {
        if (!S.Exists)
        {
            return false;
        }

        ClearMfa();
        await state.WriteStateAsync();
        return true;
    }

    private void ClearMfa()
    {
        S.MfaSecret = null;
        S.MfaPendingSecret = null;
        S.MfaEnrolledAt = null;
        S.MfaRecoveryHashes = [];
        S.MfaPendingRecoveryHashes = [];
        S.MfaTickets = [];
    }

    // RFC 6238 with the defaults every authenticator app uses (HMAC-SHA1, 30 s, 6 digits), one step of
    // clock drift either way; a step at or before the last accepted one is refused, so a code works once.
    private long? VerifyTotp(byte[] secret, string code)
    {
        if (code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var totp = new Totp(secret);
        return totp.VerifyTotp(time.GetUtcNow().UtcDateTime, code, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) && step > S.MfaLastStep
            ? step
            : null;
    }

    // The TOTP secret must be readable to check a code, so it is encrypted rather than hashed: AES-GCM
    // under the cluster's "mfa" key, bound to this member id (a sealed secret copied to another member fails).
    private async Task<byte[]> SealAsync(byte[] secret)
    {
        var key = _mfaKey ??= await GrainFactory.GetGrain<ISecretKeyGrain>("mfa").GetKeyAsync();
        var sealedSecret = new byte[12 + secret.Length + 16];
        RandomNumberGenerator.Fill(sealedSecret.AsSpan(0, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(sealedSecret.AsSpan(0, 12), secret, sealedSecret.AsSpan(12, secret.Length), sealedSecret.AsSpan(12 + secret.Length), BitConverter.GetBytes(Id));
        return sealedSecret;
    }

    private async Task<byte[]> OpenAsync(byte[] sealedSecret)
    {
        var key = _mfaKey ??= await GrainFactory.GetGrain<ISecretKeyGrain>("mfa").GetKeyAsync();
        var secret = new byte[sealedSecret.Length - 28];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(sealedSecret.AsSpan(0, 12), sealedSecret.AsSpan(12, secret.Length), sealedSecret.AsSpan(12 + secret.Length), secret, BitConverter.GetBytes(Id));
        return secret;
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
        S.FailedLogins,
        S.EmailConfirmed,
        S.MfaSecret is not null);
}
