using ApiSecurity.Grains.Apis;

namespace ApiSecurity.Grains.Members;

/// <inheritdoc cref="IEmailIndexGrain"/>
[GrainType("email-index")]
public sealed class EmailIndexGrain(
    [PersistentState("email-index", StorageNames.Store)] IPersistentState<EmailIndexState> state,
    PasswordWork passwords,
    TimeProvider time) : Grain, IEmailIndexGrain
{
    // Times (Unix seconds) of the e-mails this address was allowed in the last hour. Kept in memory
    // only: writing them would store a row for every address anyone typed. The activation is kept
    // for the hour a budget covers (see TryTakeMailAsync).
    private readonly Queue<long> _mails = new();
    private IGrainTimer? _expiry;

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A sign-up that expired while nothing held this address (a restart) is dropped on the next use.
        if (!await DropExpiredPendingAsync() && state.State.Pending is { } pending)
        {
            ScheduleExpiry(pending.ExpiresAt);
        }
    }

    /// <inheritdoc/>
    public Task<bool> TryTakeMailAsync(int perMinute, int perHour)
    {
        var now = Now;
        while (_mails.TryPeek(out var oldest) && oldest <= now - 3600)
        {
            _mails.Dequeue();
        }

        if ((perHour > 0 && _mails.Count >= perHour) || (perMinute > 0 && _mails.Count(t => t > now - 60) >= perMinute))
        {
            return Task.FromResult(false);
        }

        _mails.Enqueue(now);
        DelayDeactivation(TimeSpan.FromHours(1));
        return Task.FromResult(true);
    }

    // Writes the state, or deletes the stored row when it holds nothing (no member, no pending sign-up).
    private Task SaveAsync() =>
        state.State.MemberId is null && state.State.Pending is null ? state.ClearStateAsync() : state.WriteStateAsync();

    private async Task<bool> DropExpiredPendingAsync()
    {
        if (state.State.Pending is not { } pending || pending.ExpiresAt > Now)
        {
            return false;
        }

        state.State.Pending = null;
        await SaveAsync();
        return true;
    }

    // An unconfirmed sign-up is removed from storage when it expires, not kept until someone tries a code.
    private void ScheduleExpiry(long expiresAt)
    {
        var due = TimeSpan.FromSeconds(Math.Max(1, expiresAt - Now + 1));
        _expiry?.Dispose();
        _expiry = this.RegisterGrainTimer(
            static (grain, _) => grain.DropExpiredPendingAsync(),
            this,
            new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
        DelayDeactivation(due + TimeSpan.FromSeconds(30));
    }

    /// <inheritdoc/>
    public async Task<AdminResult<MemberProfile>> RegisterAsync(NewMember member)
    {
        var errors = MemberValidation.Validate(member);
        if (errors.Count > 0)
        {
            return AdminResult<MemberProfile>.Fail(AdminOutcome.Invalid, errors);
        }

        var email = MemberValidation.NormalizeEmail(member.Email)!;
        if (email != this.GetPrimaryKeyString())
        {
            return AdminResult<MemberProfile>.Fail(AdminOutcome.Invalid, new AdminError(AdminErrorCodes.Invalid, "email does not match this index entry", AdminFields.Email));
        }

        if (state.State.MemberId is not null)
        {
            return AdminResult<MemberProfile>.Fail(AdminOutcome.Conflict, new AdminError(AdminErrorCodes.EmailTaken, "a member with this email already exists", AdminFields.Email));
        }

        // Hash before taking an id, so a refusal by a full hashing queue leaves no half-made member.
        var hash = await passwords.HashAsync(member.Password!);
        return AdminResult<MemberProfile>.Ok(await CreateAsync(email, member with { Password = null }, hash));
    }

    private async Task<MemberProfile> CreateAsync(string email, NewMember member, string hash)
    {
        var id = await GrainFactory.GetGrain<IMemberDirectoryGrain>(0).AllocateAsync();
        var profile = await GrainFactory.GetGrain<IMemberGrain>(id).CreateAsync(email, member, hash);
        state.State.MemberId = id;
        state.State.Pending = null;
        await state.WriteStateAsync();
        return profile;
    }

    /// <inheritdoc/>
    public async Task<bool> ClaimAsync(long memberId)
    {
        if (state.State.MemberId is { } holder)
        {
            return holder == memberId;
        }

        state.State.MemberId = memberId;
        state.State.Pending = null;
        await state.WriteStateAsync();
        return true;
    }

    /// <inheritdoc/>
    public async Task<ConfirmationStart> BeginConfirmedRegistrationAsync(NewMember member)
    {
        // Hash in both cases, so the work (and the time until the e-mail leaves) is the same.
        var hash = await passwords.HashAsync(member.Password ?? string.Empty);
        var expiresAt = Now + (long)OneTimeCodes.Lifetime.TotalSeconds;
        if (state.State.MemberId is not null)
        {
            return new ConfirmationStart(true, null, expiresAt);
        }

        var code = OneTimeCodes.New();
        if (state.State.Pending is { } earlier && earlier.ExpiresAt > Now)
        {
            // Signing up again while a sign-up waits sends a new code for that same sign-up: its password
            // and fields stay (a second sign-up must not swap in another password for the owner to
            // activate), and so does its expiry. Only the latest e-mail's code works.
            earlier.CodeHash = OneTimeCodes.Hash(code)!;
            earlier.Attempts = 0;
            await state.WriteStateAsync();
            return new ConfirmationStart(false, code, earlier.ExpiresAt);
        }

        state.State.Pending = new PendingRegistration
        {
            CodeHash = OneTimeCodes.Hash(code)!,
            ExpiresAt = expiresAt,
            Member = member with { Password = null },
            PasswordHash = hash,
        };
        await state.WriteStateAsync();
        ScheduleExpiry(expiresAt);
        return new ConfirmationStart(false, code, expiresAt);
    }

    /// <inheritdoc/>
    public async Task<AdminResult<MemberProfile>> ConfirmRegistrationAsync(string code, string? password)
    {
        var wrong = AdminResult<MemberProfile>.Fail(AdminOutcome.Invalid, new AdminError(AdminErrorCodes.Invalid, "The confirmation code is wrong or has expired", AdminFields.Code));
        if (state.State.MemberId is not null || state.State.Pending is not { } pending)
        {
            return wrong;
        }

        if (await DropExpiredPendingAsync())
        {
            return wrong;
        }

        if (!OneTimeCodes.Matches(OneTimeCodes.Hash(code), pending.CodeHash))
        {
            if (++pending.Attempts >= OneTimeCodes.MaxAttempts)
            {
                state.State.Pending = null;
            }

            await SaveAsync();
            return wrong;
        }

        // The code proves the address; a password sent with it is the owner's choice and replaces the pending one.
        var hash = password is null ? pending.PasswordHash : await passwords.HashAsync(password);
        var profile = await CreateAsync(this.GetPrimaryKeyString(), pending.Member, hash);
        await GrainFactory.GetGrain<IMemberGrain>(profile.MemberId).MarkEmailConfirmedAsync();
        return AdminResult<MemberProfile>.Ok(profile with { EmailConfirmed = true });
    }

    /// <inheritdoc/>
    public Task<long?> GetMemberIdAsync() => Task.FromResult(state.State.MemberId);

    /// <inheritdoc/>
    public async Task ReleaseAsync(long memberId)
    {
        if (state.State.MemberId == memberId)
        {
            state.State.MemberId = null;
            await SaveAsync();
        }
    }
}
