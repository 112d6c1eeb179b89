using System.Text.Json;
using ApiSecurity.Grains.Apis;

namespace ApiSecurity.WebFront.Admin;

/// <summary>Reading admin request bodies and mapping domain results to HTTP (RFC 9457 problem details).</summary>
public static class AdminHttp
{
    /// <summary>Largest admin request body.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>snake_case JSON, the admin API's wire format.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        MaxDepth = 32,
    };

    /// <summary>Reads a JSON body; an empty body gives <paramref name="empty"/>. On failure returns a problem to send.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, T? empty = default)
        where T : class
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        using var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        }
        catch (BadHttpRequestException)
        {
            return (null, TooLarge());
        }

        if (buffer.Length > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        if (buffer.Length == 0 || buffer.GetBuffer().AsSpan(0, (int)buffer.Length).Trim(" \t\r\n"u8).IsEmpty)
        {
            return empty is null
                ? (null, Problem(StatusCodes.Status400BadRequest, "Invalid request", "A JSON object body is required."))
                : (empty, null);
        }

        try
        {
            buffer.Position = 0;
            using var doc = await JsonDocument.ParseAsync(buffer);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Problem(StatusCodes.Status400BadRequest, "Invalid request", "The body must be a JSON object."));
            }

            if (FirstInvalidString(doc.RootElement) is { } path)
            {
                return (null, Problem(StatusCodes.Status400BadRequest, "Invalid request", $"The body holds text that is not valid Unicode at {path}."));
            }

            var value = doc.RootElement.Deserialize<T>(Json);
            return value is null
                ? (null, Problem(StatusCodes.Status400BadRequest, "Invalid request", "The body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? string.Empty : $" at {ex.Path}";
            return (null, Problem(StatusCodes.Status400BadRequest, "Invalid request", $"The body is not valid JSON for this call{where}: wrong syntax or wrong value type."));
        }
    }

    /// <summary>
    /// The path of the first string (name or value) that is not valid UTF-16, such as a lone surrogate
    /// escaped as <c>\ud800</c>; null when there is none. Reading one later would throw, so it is refused here once.
    /// </summary>
    private static string? FirstInvalidString(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    element.GetString();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return path;
                }

            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstInvalidString(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;

            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path;
                    }

                    if (FirstInvalidString(property.Value, $"{path}.{name}") is { } found)
                    {
                        return found;
                    }
                }

                return null;

            default:
                return null;
        }
    }

    /// <summary>Maps a domain result: Ok → <paramref name="ok"/>, otherwise a problem with the domain errors.</summary>
    public static IResult Map<T>(AdminResult<T> result, Func<T, IResult> ok) => result.Outcome switch
    {
        AdminOutcome.Ok => ok(result.Value!),
        AdminOutcome.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", Detail(result.Errors), result.Errors),
        AdminOutcome.Conflict => Problem(StatusCodes.Status409Conflict, "Conflict", Detail(result.Errors), result.Errors),
        _ => Problem(StatusCodes.Status400BadRequest, "Invalid request", Detail(result.Errors), result.Errors),
    };

    /// <summary>A problem details response, with the domain errors as an <c>errors</c> extension.</summary>
    public static IResult Problem(int status, string title, string detail, IReadOnlyList<AdminError>? errors = null)
    {
        var extensions = new Dictionary<string, object?>
        {
            ["errors"] = (errors ?? [new AdminError(status == 404 ? "not_found" : "invalid", detail)])
                .Select(e => e.Field is null
                    ? new Dictionary<string, string> { ["code"] = e.Code, ["message"] = e.Message }
                    : new Dictionary<string, string> { ["code"] = e.Code, ["message"] = e.Message, ["field"] = e.Field })
                .ToList(),
        };
        return Results.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);
    }

    private static IResult TooLarge() =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The body must be at most {MaxBodyBytes} bytes.");

    /// <summary>A 404 problem.</summary>
    public static IResult NotFound(string what) => Problem(StatusCodes.Status404NotFound, "Not found", $"{what} does not exist.");

    /// <summary>A JSON response with the admin serializer options.</summary>
    public static IResult Ok<T>(T value, int status = StatusCodes.Status200OK) => Results.Json(value, Json, statusCode: status);

    private static string Detail(IReadOnlyList<AdminError> errors) => string.Join(" ", errors.Select(e => e.Message.EndsWith('.') ? e.Message : e.Message + "."));
}
