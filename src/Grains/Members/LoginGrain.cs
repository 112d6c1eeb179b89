using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Orleans.Concurrency;

namespace ApiSecurity.Grains.Members;

/// <inheritdoc cref="ILoginGrain"/>
/// <remarks>
/// Reentrant: it holds no state, and a non-reentrant worker would sit idle while the member grain
/// hashes, so logins would queue here instead of in the bounded hashing pool.
/// </remarks>
[GrainType("login"), StatelessWorker, Reentrant]
public sealed class LoginGrain : Grain, ILoginGrain
{
    /// <summary>How many decoy members unknown emails are spread over (member ids -1 to -<see cref="DecoyCount"/>).</summary>
    public const int DecoyCount = 256;

    /// <inheritdoc/>
    public async Task<LoginResult> CheckCredentialsAsync(string email, string password, string? clientIp)
    {
        var normalized = MemberValidation.NormalizeEmail(email);
        var memberId = normalized is null ? null : await GrainFactory.GetGrain<IEmailIndexGrain>(normalized).GetMemberIdAsync();

        // An unknown email takes the same path as a known one: a call to a member grain that
        // verifies a hash, records the attempt and writes its state. The decoy is chosen by the
        // email, so repeating an unknown email behaves like repeating a known one.
        var id = memberId ?? DecoyId(normalized ?? email);
        var status = await GrainFactory.GetGrain<IMemberGrain>(id).CheckPasswordAsync(password, clientIp);
        return memberId is not null && status == LoginStatus.Ok
            ? new LoginResult(LoginStatus.Ok, id)
            : new LoginResult(status == LoginStatus.LockedOut ? LoginStatus.LockedOut : LoginStatus.InvalidCredentials, 0);
    }

    /// <inheritdoc/>
    public async Task<LoginResult> LoginAsync(string email, string password, string? clientIp, string scope, bool loginSave)
    {
        var normalized = MemberValidation.NormalizeEmail(email);
        var memberId = normalized is null ? null : await GrainFactory.GetGrain<IEmailIndexGrain>(normalized).GetMemberIdAsync();
        var id = memberId ?? DecoyId(normalized ?? email);
        var result = await GrainFactory.GetGrain<IMemberGrain>(id).LoginAsync(password, clientIp, scope, loginSave);
        return memberId is not null && result.Status is LoginStatus.Ok or LoginStatus.MfaRequired
            ? result
            : new LoginResult(result.Status == LoginStatus.LockedOut ? LoginStatus.LockedOut : LoginStatus.InvalidCredentials, 0);
    }

    /// <summary>The decoy member id for an unknown email: negative, so never a real member's.</summary>
    public static long DecoyId(string email)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(email), digest);
        return -1 - (long)(BinaryPrimitives.ReadUInt32LittleEndian(digest) % DecoyCount);
    }
}
