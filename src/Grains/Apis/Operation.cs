namespace ApiSecurity.Grains.Apis;

/// <summary>The operations an endpoint can be bound to (docs/endpoints.md).</summary>
[GenerateSerializer, Alias("Operation")]
public enum Operation
{
    /// <summary><c>Authentication / Login / login_challenge</c>.</summary>
    LoginChallenge = 0,

    /// <summary><c>Authentication / Login / token</c>.</summary>
    Token = 1,

    /// <summary><c>Authentication / Login / logout</c>.</summary>
    Logout = 2,

    /// <summary><c>Authentication / Login / profile</c>.</summary>
    Profile = 3,

    /// <summary><c>Content / Document / get</c>.</summary>
    DocumentGet = 4,

    /// <summary><c>Gateway / Proxy / forward</c>.</summary>
    ProxyForward = 5,

    /// <summary><c>Member / Member / insert</c>: self-registration.</summary>
    MemberInsert = 6,

    /// <summary><c>Member / Member / me</c>: the caller's own record.</summary>
    MemberMe = 7,

    /// <summary><c>Member / Member / update</c>: changes the caller's own record.</summary>
    MemberUpdate = 8,

    /// <summary><c>Member / Member / delete</c>: deletes the caller.</summary>
    MemberDelete = 9,

    /// <summary><c>Authentication / Login / reminder</c>: password reset by e-mail.</summary>
    Reminder = 10,

    /// <summary><c>Authentication / Login / reset_password</c>: the caller changes its password.</summary>
    ResetPassword = 11,

    /// <summary><c>Authentication / Login / login_challenge_mfa</c>: the second step of a two-factor login.</summary>
    LoginChallengeMfa = 12,

    /// <summary><c>Authentication / Login / mfa_setup</c>: enrols or removes the caller's second factor.</summary>
    MfaSetup = 13,
}

/// <summary>Names and fixed methods of <see cref="Operation"/>.</summary>
public static class Operations
{
    private static readonly (Operation Op, string Category, string Model, string Name, string? Method)[] Table =
    [
        (Operation.LoginChallenge, "Authentication", "Login", "login_challenge", "POST"),
        (Operation.Token, "Authentication", "Login", "token", "POST"),
        (Operation.Logout, "Authentication", "Login", "logout", "POST"),
        (Operation.Profile, "Authentication", "Login", "profile", "GET"),
        (Operation.DocumentGet, "Content", "Document", "get", "GET"),
        (Operation.ProxyForward, "Gateway", "Proxy", "forward", null),
        (Operation.MemberInsert, "Member", "Member", "insert", "POST"),
        (Operation.MemberMe, "Member", "Member", "me", "GET"),
        (Operation.MemberUpdate, "Member", "Member", "update", "POST"),
        (Operation.MemberDelete, "Member", "Member", "delete", "POST"),
        (Operation.Reminder, "Authentication", "Login", "reminder", "POST"),
        (Operation.ResetPassword, "Authentication", "Login", "reset_password", "POST"),
        (Operation.LoginChallengeMfa, "Authentication", "Login", "login_challenge_mfa", "POST"),
        (Operation.MfaSetup, "Authentication", "Login", "mfa_setup", "POST"),
    ];

    /// <summary>Finds the operation for a (category, model, operation) triple; case-insensitive, model may carry a version suffix like <c>Login(v1)</c>.</summary>
    public static bool TryFind(string? category, string? model, string? operation, out Operation op)
    {
        var modelName = model?.Trim() ?? string.Empty;
        var paren = modelName.IndexOf('(');
        if (paren > 0)
        {
            modelName = modelName[..paren].Trim();
        }

        foreach (var row in Table)
        {
            if (string.Equals(row.Category, category?.Trim(), StringComparison.OrdinalIgnoreCase)
                && string.Equals(row.Model, modelName, StringComparison.OrdinalIgnoreCase)
                && string.Equals(row.Name, operation?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                op = row.Op;
                return true;
            }
        }

        op = default;
        return false;
    }

    /// <summary>The HTTP method the operation requires, or null when any method is allowed.</summary>
    public static string? RequiredMethod(this Operation op) => Table.First(r => r.Op == op).Method;

    /// <summary>The category name.</summary>
    public static string Category(this Operation op) => Table.First(r => r.Op == op).Category;

    /// <summary>The model name.</summary>
    public static string Model(this Operation op) => Table.First(r => r.Op == op).Model;

    /// <summary>The operation name.</summary>
    public static string Name(this Operation op) => Table.First(r => r.Op == op).Name;

    /// <summary>Display form <c>Category / Model / operation</c>.</summary>
    public static string Display(this Operation op) => $"{op.Category()} / {op.Model()} / {op.Name()}";
}
