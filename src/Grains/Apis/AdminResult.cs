namespace ApiSecurity.Grains.Apis;

/// <summary>How an administrative command ended.</summary>
[GenerateSerializer, Alias("AdminOutcome")]
public enum AdminOutcome
{
    /// <summary>Applied.</summary>
    Ok = 0,

    /// <summary>The target does not exist.</summary>
    NotFound = 1,

    /// <summary>The input is invalid; nothing changed.</summary>
    Invalid = 2,

    /// <summary>The input conflicts with the current state; nothing changed.</summary>
    Conflict = 3,
}

/// <summary>One problem with an administrative command.</summary>
[GenerateSerializer, Immutable, Alias("AdminError")]
public sealed record AdminError(
    [property: Id(0)] string Code,
    [property: Id(1)] string Message,
    [property: Id(2)] string? Field = null);

/// <summary>The result of an administrative command: an outcome, a value when it succeeded, errors otherwise.</summary>
[GenerateSerializer, Immutable, Alias("AdminResult`1")]
public sealed record AdminResult<T>(
    [property: Id(0)] AdminOutcome Outcome,
    [property: Id(1)] T? Value,
    [property: Id(2)] IReadOnlyList<AdminError> Errors)
{
    /// <summary>A success carrying <paramref name="value"/>.</summary>
    public static AdminResult<T> Ok(T value) => new(AdminOutcome.Ok, value, []);

    /// <summary>A failure of the given kind.</summary>
    public static AdminResult<T> Fail(AdminOutcome outcome, params AdminError[] errors) => new(outcome, default, errors);

    /// <summary>A failure with several errors.</summary>
    public static AdminResult<T> Fail(AdminOutcome outcome, IReadOnlyList<AdminError> errors) => new(outcome, default, errors);
}
