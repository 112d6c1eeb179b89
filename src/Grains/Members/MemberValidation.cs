using System.Net.Mail;
using ApiSecurity.Grains.Apis;

namespace ApiSecurity.Grains.Members;

/// <summary>Rules for registration input.</summary>
public static class MemberValidation
{
    /// <summary>Minimum password length (ASP.NET Core Identity's default).</summary>
    public const int MinPasswordLength = 6;

    /// <summary>Maximum password length; longer input is refused rather than hashed.</summary>
    public const int MaxPasswordLength = 1024;

    private const int MaxEmailLength = 254;
    private const int MaxNameLength = 100;
    private const int MaxGroups = 50;

    /// <summary>Lower-cases and trims an email; null when it is not a plausible address.</summary>
    public static string? NormalizeEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var e = email.Trim();
        if (e.Length > MaxEmailLength || e.Any(char.IsControl) || e.Any(char.IsWhiteSpace))
        {
            return null;
        }

        var at = e.LastIndexOf('@');
        if (at < 1 || at == e.Length - 1 || !MailAddress.TryCreate(e, out var parsed) || parsed.Address != e)
        {
            return null;
        }

        return e.ToLowerInvariant();
    }

    /// <summary>Validates a registration; returns the errors (empty when valid).</summary>
    public static List<AdminError> Validate(NewMember member)
    {
        var errors = new List<AdminError>();
        if (string.IsNullOrWhiteSpace(member.Email))
        {
            errors.Add(new AdminError(AdminErrorCodes.Required, "email is required", AdminFields.Email));
        }
        else if (NormalizeEmail(member.Email) is null)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "email is not a valid address", AdminFields.Email));
        }

        if (string.IsNullOrEmpty(member.Password))
        {
            errors.Add(new AdminError(AdminErrorCodes.Required, "password is required", AdminFields.Password));
        }
        else if (member.Password.Length is < MinPasswordLength or > MaxPasswordLength)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"password must be {MinPasswordLength} to {MaxPasswordLength} characters", AdminFields.Password));
        }

        CheckName(member.Name1, "name1", AdminFields.Name1, errors);
        CheckName(member.Name2, "name2", AdminFields.Name2, errors);
        CheckName(member.Nickname, "nickname", AdminFields.Nickname, errors);
        if (member.Groups is { } groups)
        {
            if (groups.Count > MaxGroups)
            {
                errors.Add(new AdminError(AdminErrorCodes.Invalid, $"at most {MaxGroups} groups", AdminFields.Groups));
            }
            else if (groups.Any(g => !MemberGroups.IsValid(g)))
            {
                errors.Add(new AdminError(AdminErrorCodes.Invalid, "each group must be 1-64 letters, digits, '-' or '_'", AdminFields.Groups));
            }
        }

        return errors;
    }

    private static void CheckName(string? value, string label, string field, List<AdminError> errors)
    {
        if (value is { Length: > MaxNameLength } || (value is not null && value.Any(char.IsControl)))
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"{label} must be at most {MaxNameLength} printable characters", field));
        }
    }
}
