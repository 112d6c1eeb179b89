using ApiSecurity.Grains.Apis;

namespace ApiSecurity.Grains.Members;

/// <inheritdoc cref="IEmailIndexGrain"/>
[GrainType("email-index")]
public sealed class EmailIndexGrain(
    [PersistentState("email-index", StorageNames.Store)] IPersistentState<EmailIndexState> state,
    PasswordWork passwords) : Grain, IEmailIndexGrain
{
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
            return AdminResult<MemberProfile>.Fail(AdminOutcome.Invalid, new AdminError("invalid", "email does not match this index entry", "email"));
        }

        if (state.State.MemberId is not null)
        {
            return AdminResult<MemberProfile>.Fail(AdminOutcome.Conflict, new AdminError("email_taken", "a member with this email already exists", "email"));
        }

        // Hash before taking an id, so a refusal by a full hashing queue leaves no half-made member.
        var hash = await passwords.HashAsync(member.Password!);
        var id = await GrainFactory.GetGrain<IMemberDirectoryGrain>(0).AllocateAsync();
        var profile = await GrainFactory.GetGrain<IMemberGrain>(id).CreateAsync(email, member with { Password = null }, hash);
        state.State.MemberId = id;
        await state.WriteStateAsync();
        return AdminResult<MemberProfile>.Ok(profile);
    }

    /// <inheritdoc/>
    public Task<long?> GetMemberIdAsync() => Task.FromResult(state.State.MemberId);

    /// <inheritdoc/>
    public async Task ReleaseAsync(long memberId)
    {
        if (state.State.MemberId == memberId)
        {
            state.State.MemberId = null;
            await state.WriteStateAsync();
        }
    }
}
