using Orleans.Concurrency;

namespace ApiSecurity.Grains.Members;

/// <summary>
/// One email address (key: normalized email) → member_id. Registration goes through this grain,
/// which handles one call at a time, so an email is taken once even under concurrent registrations.
/// </summary>
[Alias("IEmailIndexGrain")]
public interface IEmailIndexGrain : IGrainWithStringKey
{
    /// <summary>Registers a member with this email; Conflict when it is taken.</summary>
    [Alias("Register")]
    Task<Apis.AdminResult<MemberProfile>> RegisterAsync(NewMember member);

    /// <summary>The member id holding this email, or null.</summary>
    [Alias("GetMemberId")]
    [ReadOnly]
    Task<long?> GetMemberIdAsync();

    /// <summary>Frees the email when it belongs to <paramref name="memberId"/>.</summary>
    [Alias("Release")]
    Task ReleaseAsync(long memberId);
}
