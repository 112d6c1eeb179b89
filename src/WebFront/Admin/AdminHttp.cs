using System.Text.Json;
using ApiSecurity.Grains.Apis;
using ApiSecurity.WebFront.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApiSecurity.WebFront.Admin;

/// <summary>Reading admin request bodies and mapping domain results to HTTP (RFC 9457 problem details).</summary>
public static class AdminHttp
{
    /// <summary>Largest admin request body.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>Deepest nesting of an admin request body.</summary>
    private const int MaxBodyDepth = 64;

    /// <summary>snake_case JSON, the admin API's wire format (also the application's HTTP JSON settings, see <see cref="UseWireFormat"/>).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        MaxDepth = 32,
    };

    /// <summary>Makes typed results (and the OpenAPI schemas) use the admin wire format.</summary>
    public static IServiceCollection AddAdminWireFormat(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options => UseWireFormat(options.SerializerOptions));

    private static void UseWireFormat(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = Json.PropertyNamingPolicy;
        options.MaxDepth = Json.MaxDepth;
    }

    /// <summary>
    /// Reads a JSON object body into <typeparamref name="T"/>; an empty body reads as <c>{}</c> when
    /// <paramref name="emptyAllowed"/>. On failure returns the problem to send.
    /// </summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, bool emptyAllowed)
        where T : class
    {
        var (status, document) = await BoundedJsonBody.ReadObjectAsync(request, MaxBodyBytes, MaxBodyDepth);
        switch (status)
        {
            case BoundedJsonBody.Status.TooLarge:
                return (null, Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The body must be at most {MaxBodyBytes} bytes."));
            case BoundedJsonBody.Status.Empty when emptyAllowed:
                document = JsonDocument.Parse("{}");
                break;
            case BoundedJsonBody.Status.Empty:
                return (null, Invalid("A JSON object body is required."));
            case BoundedJsonBody.Status.NotObject:
                return (null, Invalid("The body must be a JSON object."));
            case BoundedJsonBody.Status.Malformed:
                return (null, Invalid("The body is not valid JSON for this call: wrong syntax or wrong value type."));
        }

        using (document)
        {
            if (BoundedJsonBody.FirstInvalidString(document!.RootElement) is { } path)
            {
                return (null, Invalid($"The body holds text that is not valid Unicode at {path}."));
            }

            try
            {
                var value = document.RootElement.Deserialize<T>(Json);
                return value is null ? (null, Invalid("The body must be a JSON object.")) : (value, null);
            }
            catch (JsonException ex)
            {
                var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? string.Empty : $" at {ex.Path}";
                return (null, Invalid($"The body is not valid JSON for this call{where}: wrong syntax or wrong value type."));
            }
        }
    }

    /// <summary>Maps a domain result: Ok → <paramref name="ok"/>, otherwise <see cref="Failure{T}"/>.</summary>
    public static Results<TOk, ProblemHttpResult> Map<T, TOk>(AdminResult<T> result, Func<T, TOk> ok)
        where TOk : IResult =>
        result.Outcome == AdminOutcome.Ok ? ok(result.Value!) : Failure(result);

    /// <summary>A refused domain result as a problem with the domain errors: 404, 409 or 400.</summary>
    public static ProblemHttpResult Failure<T>(AdminResult<T> result) => result.Outcome switch
    {
        AdminOutcome.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", Detail(result.Errors), result.Errors),
        AdminOutcome.Conflict => Problem(StatusCodes.Status409Conflict, "Conflict", Detail(result.Errors), result.Errors),
        _ => Problem(StatusCodes.Status400BadRequest, "Invalid request", Detail(result.Errors), result.Errors),
    };

    /// <summary>A problem details response, with the domain errors as an <c>errors</c> extension.</summary>
    public static ProblemHttpResult Problem(int status, string title, string detail, IReadOnlyList<AdminError>? errors = null)
    {
        var extensions = new Dictionary<string, object?>
        {
            ["errors"] = (errors ?? [new AdminError(status == 404 ? AdminErrorCodes.NotFound : AdminErrorCodes.Invalid, detail)])
                .Select(AdminWireFields.ToWire)
                .ToList(),
        };
        return TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);
    }

    /// <summary>A 400 problem.</summary>
    public static ProblemHttpResult Invalid(string detail, IReadOnlyList<AdminError>? errors = null) =>
        Problem(StatusCodes.Status400BadRequest, "Invalid request", detail, errors);

    /// <summary>A 404 problem.</summary>
    public static ProblemHttpResult NotFound(string what) => Problem(StatusCodes.Status404NotFound, "Not found", $"{what} does not exist.");

    private static string Detail(IReadOnlyList<AdminError> errors) => string.Join(" ", errors.Select(e => e.Message.EndsWith('.') ? e.Message : e.Message + "."));
}
