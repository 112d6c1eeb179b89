namespace ApiSecurity.Grains.Apis;

/// <summary>The rules of issuing a static token: memo length, expiry, a limit per API.</summary>
public static class StaticTokenRules
{
    /// <summary>Most live static tokens of an API.</summary>
    public const int MaxTokens = 1000;

    /// <summary>Longest memo.</summary>
    public const int MaxMemoLength = 500;

    /// <summary>Lifetime when no expiry is given (s).</summary>
    public const long DefaultLifetime = 365L * 86400;

    /// <summary>Farthest expiry from now (s).</summary>
    public const long MaxLifetime = 100L * 366 * 86400;

    /// <summary>Checks the memo and the expiry; returns the expiry to use (Unix seconds).</summary>
    public static long Check(string? memo, long? expiresAt, long now, List<AdminError> errors)
    {
        if (memo is { Length: > MaxMemoLength })
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"memo must be at most {MaxMemoLength} characters", AdminFields.Memo));
        }

        var expiry = expiresAt ?? now + DefaultLifetime;
        if (expiry <= now)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "expires_at must be in the future (Unix seconds)", AdminFields.ExpiresAt));
        }
        else if (expiry > now + MaxLifetime)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "expires_at is too far in the future", AdminFields.ExpiresAt));
        }

        return expiry;
    }

    /// <summary>The refusal when an API holds <see cref="MaxTokens"/> live static tokens.</summary>
    public static AdminError TooMany() => new(AdminErrorCodes.Limit, $"an API has at most {MaxTokens} static tokens");
}
