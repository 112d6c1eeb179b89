using System.Text.Json;
using ApiSecurity.Grains.Apis;
using ApiSecurity.WebFront.Infrastructure;

namespace ApiSecurity.WebFront.Rcms;

/// <summary>Reads a small JSON object body with a hard size limit; never throws for client input.</summary>
public static class RcmsRequestBody
{
    /// <summary>Largest body accepted by the login, token and logout operations.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The outcome of reading a body.</summary>
    public enum Status
    {
        /// <summary>A JSON object (or an empty body, read as <c>{}</c>).</summary>
        Ok,

        /// <summary>Not JSON, or JSON that is not an object.</summary>
        Malformed,

        /// <summary>Larger than <see cref="MaxBytes"/>.</summary>
        TooLarge,
    }

    /// <summary>Reads the body (an empty one as <c>{}</c>); the caller owns the returned document.</summary>
    public static async Task<(Status Status, JsonDocument? Document)> ReadObjectAsync(HttpRequest request)
    {
        var (status, document) = await BoundedJsonBody.ReadObjectAsync(request, MaxBytes, maxDepth: 16);
        return status switch
        {
            BoundedJsonBody.Status.Ok => (Status.Ok, document),
            BoundedJsonBody.Status.Empty => (Status.Ok, JsonDocument.Parse("{}")),
            BoundedJsonBody.Status.TooLarge => (Status.TooLarge, null),
            _ => (Status.Malformed, null),
        };
    }

    /// <summary>Writes the error for a failed read.</summary>
    public static Task WriteFailureAsync(HttpContext context, Status status) => status == Status.TooLarge
        ? RcmsResponse.ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, RcmsResponse.Codes.PayloadTooLarge, $"The request body must be at most {MaxBytes} bytes")
        : RcmsResponse.ErrorAsync(context, StatusCodes.Status400BadRequest, RcmsResponse.Codes.Invalid, "The request body must be a JSON object", "body");

    /// <summary>Reads an optional string field; false with an error when it has another type.</summary>
    public static bool TryGetString(JsonElement root, string name, List<FieldError> errors, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            errors.Add(new FieldError(RcmsResponse.Codes.Invalid, name, $"{name} must be a string"));
            return false;
        }

        if (!BoundedJsonBody.TryGetString(element, out value))
        {
            errors.Add(new FieldError(RcmsResponse.Codes.Invalid, name, $"{name} must be valid Unicode text"));
            return false;
        }

        return true;
    }

    /// <summary>Reads an optional 0/1 flag (number, boolean or "0"/"1").</summary>
    public static bool GetFlag(JsonElement root, string name, List<FieldError> errors)
    {
        if (!root.TryGetProperty(name, out var element))
        {
            return false;
        }

        if (element.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (JsonFlag.TryRead(element, out var value))
        {
            return value;
        }

        errors.Add(new FieldError(RcmsResponse.Codes.Invalid, name, $"{name} must be 0 or 1"));
        return false;
    }
}
