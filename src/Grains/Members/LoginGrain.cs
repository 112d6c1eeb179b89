using Orleans.Concurrency;

namespace ApiSecurity.Grains.Members;

/// <inheritdoc cref="ILoginGrain"/>
[GrainType("login"), StatelessWorker]
public sealed class LoginGrain : Grain, ILoginGrain
{
    /// <inheritdoc/>
    public async Task<LoginResult> CheckCredentialsAsync(string email, string password, string? clientIp)
    {
        var normalized = MemberValidation.NormalizeEmail(email);
        var memberId = normalized is null ? null : await GrainFactory.GetGrain<IEmailIndexGrain>(normalized).GetMemberIdAsync();
        if (memberId is not { } id || password.Length > MemberValidation.MaxPasswordLength)
        {
            PasswordHashing.SpendVerificationTime(password.Length > MemberValidation.MaxPasswordLength ? string.Empty : password);
            return new LoginResult(LoginStatus.InvalidCredentials, 0);
        }

        var status = await GrainFactory.GetGrain<IMemberGrain>(id).CheckPasswordAsync(password, clientIp);
        return new LoginResult(status, status == LoginStatus.Ok ? id : 0);
    }
}
