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
}
