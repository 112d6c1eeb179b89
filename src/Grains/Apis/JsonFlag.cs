using System.Text.Json;

namespace ApiSecurity.Grains.Apis;

/// <summary>
/// The one reading of a yes/no value in JSON, for request bodies and endpoint settings alike:
/// <c>true</c>/<c>false</c>, <c>1</c>/<c>0</c>, or <c>"1"</c>/<c>"0"</c> (Kuroco front-ends send
/// <c>login_save</c> as a number, form-minded ones as a string).
/// </summary>
public static class JsonFlag
{
    /// <summary>Reads <paramref name="element"/> as a flag; false when it is none of the accepted forms.</summary>
    public static bool TryRead(JsonElement element, out bool value)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.False:
                value = false;
                return true;
            case JsonValueKind.Number when element.TryGetInt32(out var n) && n is 0 or 1:
                value = n == 1;
                return true;
            // The raw token, not ValueEquals: unescaping throws on a lone surrogate, which a client may send.
            case JsonValueKind.String when element.GetRawText() is "\"1\"" or "\"0\"":
                value = element.GetRawText() == "\"1\"";
                return true;
            default:
                value = false;
                return false;
        }
    }
}
