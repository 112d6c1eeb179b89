using System.Globalization;

namespace ApiSecurity.WebFront.Mail;

/// <summary>The plain-text messages sent to members: what happened, the code, what it is for and how long it lasts.</summary>
public static class MemberMail
{
    /// <summary>Subject of the password reset message.</summary>
    public const string ResetSubject = "Your password reset code";

    /// <summary>Subject of the sign-up confirmation message.</summary>
    public const string ConfirmSubject = "Confirm your e-mail address";

    /// <summary>Subject of the notice sent when someone signs up with an address already registered.</summary>
    public const string AlreadyRegisteredSubject = "Someone tried to sign up with your e-mail address";

    /// <summary>The password reset message.</summary>
    public static string Reset(string token, string code, long expiresAt) => $"""
        Someone (hopefully you) asked to reset the password of the account registered with this e-mail address.

        To choose a new password, enter these two values on the password reset page:

        Reset token: {token}
        Temporary password: {code}

        They work once, until {Until(expiresAt)} (30 minutes after this message was sent).
        Resetting the password signs the account out everywhere.

        If you did not ask for this, ignore this message: your password stays as it is.
        """;

    /// <summary>The sign-up confirmation message.</summary>
    public static string Confirm(string code, long expiresAt) => $"""
        Thank you for signing up. To confirm this e-mail address and activate your account, enter this code on the sign-up page:

        Confirmation code: {code}

        It works once, until {Until(expiresAt)} (30 minutes after this message was sent).

        If you did not sign up, ignore this message: no account is created without the code.
        """;

    /// <summary>Subject of the code that confirms a change of e-mail address.</summary>
    public const string EmailChangeSubject = "Confirm your new e-mail address";

    /// <summary>Subject of the notice to an address another member tried to move their account to.</summary>
    public const string EmailChangeTakenSubject = "Someone tried to change their account's e-mail address to yours";

    /// <summary>The code that confirms a change of e-mail address, sent to the new address.</summary>
    public static string EmailChange(string code, long expiresAt) => $"""
        Someone asked to use this e-mail address for their account. To confirm, enter this code where you changed your address:

        Confirmation code: {code}

        It works once, until {Until(expiresAt)} (30 minutes after this message was sent).

        If it was not you, ignore this message: the address is not used without the code.
        """;

    /// <summary>The notice to a registered address another member tried to move their account to.</summary>
    public static string EmailChangeTaken() => """
        Someone tried to change the e-mail address of an account to this address, which already belongs to an account, so nothing was changed.

        If it was not you, you need do nothing: your account is unchanged.
        """;

    /// <summary>The notice to an address that is already registered.</summary>
    public static string AlreadyRegistered() => """
        Someone (perhaps you) tried to sign up with this e-mail address, but an account with this address already exists, so no new account was created.

        If you forgot your password, use the "forgot password" page to reset it.
        If it was not you, you need do nothing: your account is unchanged.
        """;

    private static string Until(long expiresAt) =>
        DateTimeOffset.FromUnixTimeSeconds(expiresAt).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
