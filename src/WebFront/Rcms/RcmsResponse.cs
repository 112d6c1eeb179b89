using System.Text.Json;

namespace ApiSecurity.WebFront.Rcms;

/// <summary>Writes Kuroco-style JSON: every body has <c>errors</c> and <c>messages</c> arrays (docs/wire-format.md).</summary>
public static class RcmsResponse
{
    /// <summary>Error codes (docs/wire-format.md).</summary>
    public static class Codes
    {
        /// <summary>403: client IP not allowed.</summary>
        public const string IpNotAllowed = "ip_not_allowed";

        /// <summary>403: the member is in none of the endpoint's groups (GroupAuth).</summary>
        public const string Forbidden = "forbidden";

        /// <summary>404.</summary>
        public const string NotFound = "not_found";

        /// <summary>405.</summary>
        public const string MethodNotAllowed = "method_not_allowed";

        /// <summary>401.</summary>
        public const string Unauthorized = "unauthorized";

        /// <summary>400: a required field is missing.</summary>
        public const string Required = "required";

        /// <summary>400: a field or the body is invalid.</summary>
        public const string Invalid = "invalid";

        /// <summary>429.</summary>
        public const string RateLimited = "rate_limited";

        /// <summary>413.</summary>
        public const string PayloadTooLarge = "payload_too_large";

        /// <summary>502/503/504: the upstream or the cluster failed.</summary>
        public const string Unavailable = "unavailable";
    }

    /// <summary>The message of a 401 without credential.</summary>
    public const string AccessTokenRequired = "Access Token is required";

    /// <summary>Writes an error body.</summary>
    public static Task ErrorAsync(HttpContext context, int status, string code, string message, string? field = null) =>
        ErrorsAsync(context, status, [new FieldError(code, field, message)]);

    /// <summary>Writes a validation error body with several field errors.</summary>
    public static Task NotFoundAsync(HttpContext context) =>
        ErrorAsync(context, StatusCodes.Status404NotFound, Codes.NotFound, "Not found");

    /// <summary>400 with one error per invalid field.</summary>
    public static Task ValidationAsync(HttpContext context, IReadOnlyList<FieldError> errors) =>
        ErrorsAsync(context, StatusCodes.Status400BadRequest, errors);

    private static Task ErrorsAsync(HttpContext context, int status, IReadOnlyList<FieldError> errors)
    {
        return WriteAsync(context, status, writer =>
        {
            writer.WriteStartArray("errors");
            foreach (var error in errors)
            {
                writer.WriteStartObject();
                writer.WriteString("code", error.Code);
                writer.WriteString("message", error.Message);
                if (error.Field is not null)
                {
                    writer.WriteString("field", error.Field);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("messages");
            writer.WriteEndArray();
        });
    }

    /// <summary>Writes a success body: <paramref name="fields"/> then empty <c>errors</c> and <c>messages</c>.</summary>
    public static Task OkAsync(HttpContext context, Action<Utf8JsonWriter> fields)
    {
        return WriteAsync(context, StatusCodes.Status200OK, writer =>
        {
            fields(writer);
            writer.WriteStartArray("messages");
            writer.WriteEndArray();
            writer.WriteStartArray("errors");
            writer.WriteEndArray();
        });
    }

    /// <summary>Writes pre-built JSON bytes.</summary>
    public static Task RawAsync(HttpContext context, byte[] body)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    private static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        await using var writer = new Utf8JsonWriter(response.BodyWriter);
        writer.WriteStartObject();
        body(writer);
        writer.WriteEndObject();
        await writer.FlushAsync();
    }
}

/// <summary>One validation problem of a request body.</summary>
public sealed record FieldError(string Code, string? Field, string Message);
