using System.Text.Json;
using ApiSecurity.Grains.Members;
using ApiSecurity.WebFront.Mail;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>What the member self-service operations share: reading fields, answering outcomes, the 503s.</summary>
public static class SelfServiceHttp
{
    /// <summary>The message of the 503 when no SMTP server is configured.</summary>
    public const string MailNotConfigured = "E-mail is not configured on this server (Smtp:Host), so this operation is unavailable";

    /// <summary>Reads the body as a JSON object and the named string fields; writes the 400/413 and returns null on failure.</summary>
    public static async Task<Dictionary<string, string?>?> ReadStringsAsync(HttpContext context, params string[] names)
    {
        var (fields, _) = await ReadAsync(context, names, []);
        return fields;
    }

    /// <summary>Reads string fields and 0/1 flags; writes the error and returns nulls on failure.</summary>
    public static async Task<(Dictionary<string, string?>? Strings, Dictionary<string, bool>? Flags)> ReadAsync(HttpContext context, string[] names, string[] flags)
    {
        var (status, document) = await RcmsRequestBody.ReadObjectAsync(context.Request);
        if (document is null)
        {
            await RcmsRequestBody.WriteFailureAsync(context, status);
            return (null, null);
        }

        var errors = new List<FieldError>();
        var strings = new Dictionary<string, string?>(StringComparer.Ordinal);
        var flagValues = new Dictionary<string, bool>(StringComparer.Ordinal);
        using (document)
        {
            foreach (var name in names)
            {
                RcmsRequestBody.TryGetString(document.RootElement, name, errors, out var value);
                strings[name] = value;
            }

            foreach (var name in flags)
            {
                flagValues[name] = RcmsRequestBody.GetFlag(document.RootElement, name, errors);
            }
        }

        if (errors.Count > 0)
        {
            await RcmsResponse.ValidationAsync(context, errors);
            return (null, null);
        }

        return (strings, flagValues);
    }

    /// <summary>Adds a <c>required</c> error when the field is missing or empty.</summary>
    public static void Require(Dictionary<string, string?> fields, string name, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(fields[name]))
        {
            errors.Add(new FieldError(RcmsResponse.Codes.Required, name, $"{name} is required"));
        }
    }

    /// <summary>Checks a new password against the registration rules.</summary>
    public static void CheckNewPassword(string? password, string name, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(password))
        {
            errors.Add(new FieldError(RcmsResponse.Codes.Required, name, $"{name} is required"));
        }
        else if (password.Length is < MemberValidation.MinPasswordLength or > MemberValidation.MaxPasswordLength)
        {
            errors.Add(new FieldError(RcmsResponse.Codes.Invalid, name, $"{name} must be {MemberValidation.MinPasswordLength} to {MemberValidation.MaxPasswordLength} characters"));
        }
    }

    /// <summary>Answers a failed self-service outcome (anything but <see cref="SelfServiceStatus.Ok"/>).</summary>
    public static Task FailAsync(HttpContext context, SelfServiceStatus status, string codeField = "onetime_password") => status switch
    {
        SelfServiceStatus.WrongPassword => RcmsResponse.ErrorAsync(context, StatusCodes.Status400BadRequest, RcmsResponse.Codes.Invalid, "current_password is wrong", "current_password"),
        SelfServiceStatus.LockedOut => RcmsResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, RcmsResponse.Codes.Unauthorized, "Too many failed attempts; try again later"),
        SelfServiceStatus.WrongCode => RcmsResponse.ErrorAsync(context, StatusCodes.Status400BadRequest, RcmsResponse.Codes.Invalid, $"{codeField} is wrong, already used or expired", codeField),
        SelfServiceStatus.EmailTaken => RcmsResponse.ErrorAsync(context, StatusCodes.Status400BadRequest, RcmsResponse.Codes.Invalid, "email cannot be used", "email"),
        SelfServiceStatus.Conflict => RcmsResponse.ErrorAsync(context, StatusCodes.Status400BadRequest, RcmsResponse.Codes.Invalid, "Not possible in the member's current state", "body"),
        _ => RcmsResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, RcmsResponse.Codes.Unauthorized, "Login required"),
    };

    /// <summary>503 when SMTP is not configured; true when it is.</summary>
    public static async Task<bool> RequireMailAsync(HttpContext context, MailSender mail)
    {
        if (mail.Enabled)
        {
            return true;
        }

        await RcmsResponse.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, RcmsResponse.Codes.Unavailable, MailNotConfigured);
        return false;
    }

    /// <summary>Runs grain work that hashes a password; a full hashing queue answers 503 with Retry-After (the server is busy, not the client over a quota).</summary>
    public static async Task<bool> HashingAsync(HttpContext context, Func<Task> work)
    {
        try
        {
            await work();
            return true;
        }
        catch (PasswordHashingBusyException)
        {
            context.Response.Headers.RetryAfter = "1";
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, RcmsResponse.Codes.Unavailable, "Too many password checks in progress; retry shortly");
            return false;
        }
    }

    /// <summary>200 with <c>{"id": …}</c>.</summary>
    public static Task OkIdAsync(HttpContext context, long? id) => RcmsResponse.OkAsync(context, writer =>
    {
        if (id is { } value)
        {
            writer.WriteNumber("id", value);
        }
        else
        {
            writer.WriteNull("id");
        }
    });

    /// <summary>The client's address as the front sees it (after trusted-proxy handling).</summary>
    public static string? ClientIp(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    /// <summary>Writes nothing: for an empty success body.</summary>
    public static void Nothing(Utf8JsonWriter writer)
    {
    }
}
