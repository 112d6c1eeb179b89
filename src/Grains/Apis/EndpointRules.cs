using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace ApiSecurity.Grains.Apis;

/// <summary>
/// An endpoint request that passed <see cref="EndpointRules.Validate"/>: canonical method and path, the operation,
/// the settings JSON as given (what the admin API echoes back) and the settings parsed from it.
/// </summary>
public sealed record ValidEndpoint(string Method, string Path, Operation Operation, string SettingsJson, EndpointSettings Settings)
{
    /// <summary>The endpoint as stored, under <paramref name="id"/>.</summary>
    public EndpointDefinition Define(long id) => new(id, Method, Path, Operation, SettingsJson);
}

/// <summary>The rules of an API's endpoints (the same for adding and editing one); docs/endpoints.md.</summary>
public static partial class EndpointRules
{
    /// <summary>Most endpoints an API has.</summary>
    public const int MaxEndpoints = 500;

    /// <summary>Longest settings JSON (bytes of text).</summary>
    public const int MaxSettingsLength = 256 * 1024;

    /// <summary>The HTTP methods an endpoint (or a CORS list) may name.</summary>
    public static readonly FrozenSet<string> KnownMethods = FrozenSet.ToFrozenSet(
        ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"], StringComparer.Ordinal);

    /// <summary>Validates an endpoint's method, path, operation and settings; null (with <paramref name="errors"/>) when refused.</summary>
    public static ValidEndpoint? Validate(NewEndpoint endpoint, List<AdminError> errors)
    {
        var before = errors.Count;
        var method = endpoint.Method?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(method))
        {
            errors.Add(new AdminError(AdminErrorCodes.Required, "method is required", AdminFields.Method));
        }
        else if (!KnownMethods.Contains(method))
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "method must be GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS", AdminFields.Method));
        }

        var path = NormalizePath(endpoint.Path);
        if (endpoint.Path is null)
        {
            errors.Add(new AdminError(AdminErrorCodes.Required, "path is required", AdminFields.Path));
        }
        else if (path is null)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "path must be 1-200 characters of letters, digits, '-', '_', '.', '~' and '/' segments, without '..'", AdminFields.Path));
        }

        Operation operation = default;
        if (endpoint.Category is null || endpoint.Model is null || endpoint.Operation is null)
        {
            errors.Add(new AdminError(AdminErrorCodes.Required, "category, model and operation are required", endpoint.Category is null ? AdminFields.Category : endpoint.Model is null ? AdminFields.Model : AdminFields.Operation));
        }
        else if (!Operations.TryFind(endpoint.Category, endpoint.Model, endpoint.Operation, out operation))
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "unknown operation; supported: " + string.Join(", ", Enum.GetValues<Operation>().Select(o => o.Display())), AdminFields.Operation));
        }
        else if (method is not null && operation.RequiredMethod() is { } required && required != method)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"{operation.Display()} requires method {required}", AdminFields.Method));
        }

        var settings = EndpointSettings.Defaults;
        if (endpoint.SettingsJson is { Length: > MaxSettingsLength })
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"settings must be at most {MaxSettingsLength} bytes", AdminFields.Settings));
        }
        else if (errors.Count == before)
        {
            settings = EndpointSettings.Parse(operation, endpoint.SettingsJson, errors);
        }

        return errors.Count > before
            ? null
            : new ValidEndpoint(method!, path!, operation, string.IsNullOrWhiteSpace(endpoint.SettingsJson) ? "{}" : endpoint.SettingsJson, settings);
    }

    /// <summary>
    /// Makes a path canonical: no leading or trailing slash, safe characters only, no dot segments.
    /// Returns null when the path is not acceptable.
    /// </summary>
    public static string? NormalizePath(string? path)
    {
        if (path is null)
        {
            return null;
        }

        var p = path.Trim().Trim('/');
        if (p.Length is 0 or > 200 || !PathPattern().IsMatch(p))
        {
            return null;
        }

        foreach (var segment in p.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                return null;
            }
        }

        return p;
    }

    /// <summary>The refusal when an API already has <see cref="MaxEndpoints"/> endpoints.</summary>
    public static AdminError TooMany() => new(AdminErrorCodes.Limit, $"an API has at most {MaxEndpoints} endpoints");

    /// <summary>The refusal of a second endpoint with the same method and path.</summary>
    public static AdminError Duplicate(ValidEndpoint endpoint) =>
        new(AdminErrorCodes.Duplicate, $"an endpoint {endpoint.Method} {endpoint.Path} already exists", AdminFields.Path);

    [GeneratedRegex(@"^[A-Za-z0-9\-_.~/]+$")]
    private static partial Regex PathPattern();
}
