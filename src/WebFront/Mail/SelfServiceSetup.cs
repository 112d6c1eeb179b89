using ApiSecurity.WebFront.Rcms.Operations;
using Microsoft.Extensions.Options;

namespace ApiSecurity.WebFront.Mail;

/// <summary>Registers the member self-service operations and the e-mail they send.</summary>
public static class SelfServiceSetup
{
    /// <summary>Adds SMTP (validated at start-up), the outbox and the self-service operations.</summary>
    public static IServiceCollection AddMemberSelfService(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidation>();
        services.Configure<MailBudgetOptions>(configuration.GetSection(MailBudgetOptions.Section));
        services.AddSingleton<MailSender>();
        services.AddSingleton<MailOutbox>();
        services.AddHostedService(sp => sp.GetRequiredService<MailOutbox>());
        services.AddSingleton<IRcmsOperation, MemberInsertOperation>();
        services.AddSingleton<IRcmsOperation, MemberMeOperation>();
        services.AddSingleton<IRcmsOperation, MemberUpdateOperation>();
        services.AddSingleton<IRcmsOperation, MemberDeleteOperation>();
        services.AddSingleton<IRcmsOperation, ReminderOperation>();
        services.AddSingleton<IRcmsOperation, ResetPasswordOperation>();
        services.AddSingleton<IRcmsOperation, LoginChallengeMfaOperation>();
        services.AddSingleton<IRcmsOperation, MfaSetupOperation>();
        return services;
    }
}
