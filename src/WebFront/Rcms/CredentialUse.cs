using ApiSecurity.Grains.Apis;

namespace ApiSecurity.WebFront.Rcms;

/// <summary>How an endpoint uses its API's credential.</summary>
public enum CredentialUse
{
    /// <summary>Not read at all (mode <c>none</c>, or an operation that never needs one, such as <c>login_challenge</c>).</summary>
    NotUsed,

    /// <summary>A <c>public</c> endpoint: a valid credential identifies the member, an invalid or missing one leaves the request anonymous.</summary>
    Optional,

    /// <summary>401 when missing or invalid.</summary>
    Required,
}

/// <summary>The one place that decides whether an endpoint needs a credential (docs/modes.md, "Per-endpoint access").</summary>
public static class CredentialRule
{
    /// <summary>What <paramref name="operation"/> on an API in <paramref name="mode"/> with <paramref name="access"/> asks of the credential.</summary>
    public static CredentialUse For(SecurityMode mode, Operation operation, EndpointAccess access)
    {
        if (mode == SecurityMode.None)
        {
            return CredentialUse.NotUsed;
        }

        return operation switch
        {
            // Logging in cannot need the login's result; exchanging a grant or refresh token carries its own proof.
            // Signing up, recovering a password and finishing a two-factor login come before any login.
            Operation.LoginChallenge or Operation.LoginChallengeMfa or Operation.Reminder or Operation.MemberInsert => CredentialUse.NotUsed,
            Operation.Token => mode == SecurityMode.StaticToken ? CredentialUse.Required : CredentialUse.NotUsed,

            // About the caller's own login: meaningless without one, whatever auth says.
            Operation.Profile or Operation.Logout or Operation.MemberMe or Operation.MemberUpdate or Operation.MemberDelete
                or Operation.ResetPassword or Operation.MfaSetup => CredentialUse.Required,
            _ => access == EndpointAccess.Public ? CredentialUse.Optional : CredentialUse.Required,
        };
    }
}
