using Hub.Connectors.Email.Imap;
using Hub.Connectors.Email.Outbound;
using Hub.Contracts.Connectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hub.Connectors.Email;

/// <summary>The connector's one public door.</summary>
public static class EmailConnectorExtensions
{
    /// <summary>Adds the e-mail connectors: kinds <c>imap</c>, <c>mailgun</c>, <c>sendgrid</c> and <c>postmark</c>.</summary>
    public static IServiceCollection AddEmailConnector(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.TryAddSingleton<MailboxPoller>();
        services.TryAddSingleton<SmtpReplySender>();
        services.AddConnector<ImapConnector>();
        services.AddConnector<MailgunConnector>();
        services.AddConnector<SendGridConnector>();
        return services.AddConnector<PostmarkConnector>();
    }
}
