using System.Buffers;
using System.Text.Json;

namespace ApiSecurity.WebFront.Infrastructure;

/// <summary>
/// The one reader of JSON request bodies, for the admin API and the <c>/rcms-api</c> operations: reads at
/// most a given number of bytes (stopping as soon as the body is larger), parses a JSON object with a depth
/// limit, and never throws for client input. Each caller words the failures in its own wire format.
/// </summary>
public static class BoundedJsonBody
{
    /// <summary>The outcome of a read.</summary>
    public enum Status
    {
        /// <summary>A JSON object.</summary>
        Ok,

        /// <summary>No body, or only white space.</summary>
        Empty,

        /// <summary>Larger than the limit.</summary>
        TooLarge,

        /// <summary>Not JSON (wrong syntax, or nested deeper than the limit).</summary>
        Malformed,

        /// <summary>JSON, but not an object.</summary>
        NotObject,
    }

    /// <summary>Reads the body as a JSON object; the caller owns the document returned with <see cref="Status.Ok"/>.</summary>
    public static async Task<(Status Status, JsonDocument? Document)> ReadObjectAsync(HttpRequest request, int maxBytes, int maxDepth)
    {
        if (request.ContentLength > maxBytes)
        {
            return (Status.TooLarge, null);
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        var memory = new byte[4096];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(memory, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.WrittenCount + read > maxBytes)
                {
                    return (Status.TooLarge, null);
                }

                buffer.Write(memory.AsSpan(0, read));
            }
        }
        catch (BadHttpRequestException)
        {
            return (Status.TooLarge, null);
        }

        if (buffer.WrittenCount == 0 || buffer.WrittenSpan.Trim(" \t\r\n"u8).IsEmpty)
        {
            return (Status.Empty, null);
        }

        try
        {
            var doc = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = maxDepth });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                return (Status.NotObject, null);
            }

            return (Status.Ok, doc);
        }
        catch (JsonException)
        {
            return (Status.Malformed, null);
        }
    }

    /// <summary>
    /// The path of the first string (name or value) that is not valid UTF-16, such as a lone surrogate
    /// escaped as <c>\ud800</c>; null when there is none. Reading one would throw, so callers refuse it once, up front.
    /// </summary>
    public static string? FirstInvalidString(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return TryGetString(element, out _) ? null : path;

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

    /// <summary>
    /// Reads a JSON string; false when its escapes encode invalid UTF-16 (a lone surrogate such as
    /// <c>"\ud800"</c>), which <see cref="JsonElement.GetString"/> refuses with an exception.
    /// </summary>
    public static bool TryGetString(JsonElement element, out string? value)
    {
        try
        {
            value = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return false;
        }
    }
}
