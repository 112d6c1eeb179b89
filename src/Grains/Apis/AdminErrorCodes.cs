namespace ApiSecurity.Grains.Apis;

/// <summary>
/// The codes of <see cref="AdminError"/>: one constant per kind of refusal, used by every grain and by the web front.
/// The values are what the HTTP answers carry in <c>errors[].code</c> (docs/wire-format.md), so they never change.
/// </summary>
public static class AdminErrorCodes
{
    /// <summary>A value is present but not acceptable.</summary>
    public const string Invalid = "invalid";

    /// <summary>A value is missing.</summary>
    public const string Required = "required";

    /// <summary>The target does not exist.</summary>
    public const string NotFound = "not_found";

    /// <summary>Another item already has this identity (an endpoint's method and path).</summary>
    public const string Duplicate = "duplicate";

    /// <summary>A per-API count limit is reached (endpoints, static tokens).</summary>
    public const string Limit = "limit";

    /// <summary>A count limit of the administrators or their tokens is reached.</summary>
    public const string TooMany = "too_many";

    /// <summary>The security mode needs an endpoint bound to an operation that the API lacks.</summary>
    public const string MissingEndpoint = "missing_endpoint";

    /// <summary>The security mode needs at least one registered member.</summary>
    public const string MissingMember = "missing_member";

    /// <summary>An administrator with this name exists.</summary>
    public const string NameTaken = "name_taken";

    /// <summary>A member with this email exists.</summary>
    public const string EmailTaken = "email_taken";

    /// <summary>A state-changing admin request came from another site.</summary>
    public const string CrossSite = "cross_site";

    /// <summary>An admin request body was not sent as JSON.</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";
}
