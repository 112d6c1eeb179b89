namespace ApiSecurity.Grains.Members;

/// <summary>A registration request.</summary>
[GenerateSerializer, Immutable, Alias("NewMember")]
public sealed record NewMember(
    [property: Id(0)] string? Email,
    [property: Id(1)] string? Password,
    [property: Id(2)] string? Name1,
    [property: Id(3)] string? Name2,
    [property: Id(4)] string? Nickname,
    [property: Id(5)] IReadOnlyList<string>? Groups);

/// <summary>A member as shown to administrators and to the member (never the password hash).</summary>
[GenerateSerializer, Immutable, Alias("MemberProfile")]
public sealed record MemberProfile(
    [property: Id(0)] long MemberId,
    [property: Id(1)] string Email,
    [property: Id(2)] string Name1,
    [property: Id(3)] string Name2,
    [property: Id(4)] string Nickname,
    [property: Id(5)] IReadOnlyList<string> Groups,
    [property: Id(6)] long CreatedAt,
    [property: Id(7)] long? LockedUntil,
    [property: Id(8)] int FailedLogins,
    [property: Id(9)] bool EmailConfirmed = false,
    [property: Id(10)] bool MfaEnrolled = false);

/// <summary>The result of a password check.</summary>
[GenerateSerializer, Alias("LoginStatus")]
public enum LoginStatus
{
    /// <summary>Email and password match and the member is not locked.</summary>
    Ok = 0,

    /// <summary>Unknown email or wrong password.</summary>
    InvalidCredentials = 1,

    /// <summary>The member is locked out (the caller must answer exactly as for invalid credentials).</summary>
    LockedOut = 2,

    /// <summary>The password is right and the member has a second factor: the login goes on with <see cref="LoginResult.MfaToken"/>.</summary>
    MfaRequired = 3,
}

/// <summary>The outcome of a login attempt.</summary>
[GenerateSerializer, Immutable, Alias("LoginResult")]
public sealed record LoginResult(
    [property: Id(0)] LoginStatus Status,
    [property: Id(1)] long MemberId,
    [property: Id(2)] string? MfaToken = null);
