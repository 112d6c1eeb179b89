namespace ApiSecurity.Grains.Members;

/// <summary>
/// Checks an email and password (stateless worker). Unknown emails cost the same work as known
/// ones (a member grain call, one password verification off Orleans' scheduler, one state write),
/// so response time does not reveal which emails exist.
/// </summary>
[Alias("ILoginGrain")]
public interface ILoginGrain : IGrainWithIntegerKey
{
    /// <summary>Checks the credentials.</summary>
    [Alias("CheckCredentials")]
    Task<LoginResult> CheckCredentialsAsync(string email, string password, string? clientIp);

    /// <summary>
    /// Checks the credentials of a login on <paramref name="scope"/>; a member with a second factor
    /// gets <see cref="LoginStatus.MfaRequired"/> and a token for the second step instead of <see cref="LoginStatus.Ok"/>.
    /// </summary>
    [Alias("Login")]
    Task<LoginResult> LoginAsync(string email, string password, string? clientIp, string scope, bool loginSave);
}
