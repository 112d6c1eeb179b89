namespace ApiSecurity.WebFront.Mail;

/// <summary>
/// How many self-service e-mails (sign-up confirmations and notices, password reminders) one address
/// may receive. Configuration section <c>Security:MailBudget</c>. Requests beyond the budget get the
/// same answer as any other and send nothing. 0 turns a limit off.
/// </summary>
public sealed class MailBudgetOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Security:MailBudget";

    /// <summary>E-mails to one address per minute.</summary>
    public int PerMinute { get; set; } = 1;

    /// <summary>E-mails to one address per hour.</summary>
    public int PerHour { get; set; } = 5;
}
