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

    /// <summary>Gives this (free) email to an existing member changing its address; false when it is taken.</summary>
    [Alias("Claim")]
    Task<bool> ClaimAsync(long memberId);

    /// <summary>
    /// Starts a sign-up that waits for e-mail confirmation (fields already validated): hashes the
    /// password and keeps the registration with a new code, or says the email is already registered.
    /// </summary>
    [Alias("BeginConfirmedRegistration")]
    Task<ConfirmationStart> BeginConfirmedRegistrationAsync(NewMember member);

    /// <summary>
    /// Takes one e-mail from this address's budget: false (send nothing) when <paramref name="perMinute"/>
    /// e-mails went to it in the last minute or <paramref name="perHour"/> in the last hour (0: no limit).
    /// </summary>
    [Alias("TryTakeMail")]
    Task<bool> TryTakeMailAsync(int perMinute, int perHour);

    /// <summary>
    /// Finishes a pending sign-up with its code; Invalid (field <c>code</c>) when the code is wrong, used
    /// or expired. A <paramref name="password"/> (already validated) becomes the member's password
    /// instead of the one given at sign-up.
    /// </summary>
    [Alias("ConfirmRegistration")]
    Task<Apis.AdminResult<MemberProfile>> ConfirmRegistrationAsync(string code, string? password);
}
