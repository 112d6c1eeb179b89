using Microsoft.Extensions.Options;
using MimeKit;

namespace ApiSecurity.WebFront.Mail;

/// <summary>How e-mail leaves (configuration section <c>Smtp</c>, docs/configuration.md). Without <see cref="Host"/> no e-mail is sent.</summary>
public sealed class SmtpOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Smtp";

    /// <summary>The SMTP server; empty turns the operations that send e-mail off (they answer 503).</summary>
    public string? Host { get; set; }

    /// <summary>The server's port (default 25; 587 is usual with <c>StartTls</c>, 465 with <c>Implicit</c>).</summary>
    public int Port { get; set; } = 25;

    /// <summary>The sender address (<c>From</c>), e.g. <c>"Example &lt;no-reply@example.com&gt;"</c>; required with <see cref="Host"/>.</summary>
    public string? From { get; set; }

    /// <summary>The user name to authenticate with; none when empty.</summary>
    public string? User { get; set; }

    /// <summary>The password of <see cref="User"/>.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// <c>Auto</c> (default: TLS on port 465, STARTTLS when the server offers it), <c>StartTls</c>
    /// (STARTTLS required), <c>Implicit</c> (TLS from the first byte) or <c>None</c> (plain text only).
    /// </summary>
    public string Tls { get; set; } = "Auto";

    /// <summary>True when e-mail can be sent.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>Refuses to start with a half-made SMTP configuration, rather than failing at the first e-mail.</summary>
public sealed class SmtpOptionsValidation : IValidateOptions<SmtpOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add("Smtp:Port must be between 1 and 65535.");
        }

        if (string.IsNullOrWhiteSpace(options.From) || !MailboxAddress.TryParse(options.From, out _))
        {
            failures.Add("Smtp:From must be a sender address (e.g. no-reply@example.com) when Smtp:Host is set.");
        }

        if (options.Tls is not ("Auto" or "StartTls" or "Implicit" or "None"))
        {
            failures.Add("Smtp:Tls must be Auto, StartTls, Implicit or None.");
        }

        if (!string.IsNullOrEmpty(options.User) && string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Smtp:Password is required with Smtp:User.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
