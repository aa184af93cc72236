using System.Globalization;
using Hub.Connectors.Conformance;
using Hub.Contracts.Connectors;
using Hub.Testing.Servers;
using static Hub.Connectors.Email.Tests.EmailTestKit;

namespace Hub.Connectors.Email.Tests.Imap;

/// <summary>"Test connection" of a mailbox that also sends replies checks both servers: real dovecot (IMAP) and postfix (SMTP).</summary>
public sealed class ConnectionTestWithMailServerTests : IAsyncLifetime
{
    private const string Mailbox = "support@example.com";
    private static readonly IConnectionTester Imap = (IConnectionTester)Connector("imap");
    private MailServer _mail = null!;

    public async Task InitializeAsync() => _mail = await MailServer.StartAsync([Mailbox]);

    public async Task DisposeAsync() => await _mail.DisposeAsync();

    private ConnectorInstance Instance(int smtpPort) => new(InstanceId, "imap", Settings(
        ("Host", "127.0.0.1"), ("Port", _mail.ImapPort.ToString(CultureInfo.InvariantCulture)), ("Security", "none"),
        ("User", Mailbox), ("Password", MailServer.Password),
        ("SmtpHost", "127.0.0.1"), ("SmtpPort", smtpPort.ToString(CultureInfo.InvariantCulture)), ("SmtpSecurity", "none"),
        ("FromAddress", Mailbox)));

    [Fact]
    public async Task Both_servers_answering_is_ok_and_the_detail_names_both()
    {
        var result = await Imap.TestAsync(Instance(_mail.SmtpPort), CancellationToken.None);

        Assert.Equal(ConnectionTestOutcome.Ok, result.Outcome);
        Assert.StartsWith("IMAP: Signed in to 127.0.0.1 as 'support@example.com'", result.Detail, StringComparison.Ordinal);
        Assert.Contains($"SMTP: 127.0.0.1:{_mail.SmtpPort} answers", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_working_mailbox_with_an_smtp_server_that_does_not_answer_is_unreachable_naming_the_smtp_port()
    {
        var smtpPort = DirectHttpClientFactory.UnreachableUrl().Port;

        var result = await Imap.TestAsync(Instance(smtpPort), CancellationToken.None);

        Assert.Equal(ConnectionTestOutcome.Unreachable, result.Outcome);
        Assert.Contains("IMAP: Signed in", result.Detail, StringComparison.Ordinal);
        Assert.Contains($"SMTP: 127.0.0.1:{smtpPort} does not answer as an SMTP server", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_smtp_port_that_speaks_imap_is_unreachable_as_smtp()
    {
        var result = await Imap.TestAsync(Instance(_mail.ImapPort), CancellationToken.None);

        Assert.Equal(ConnectionTestOutcome.Unreachable, result.Outcome);
        Assert.Contains($"SMTP: 127.0.0.1:{_mail.ImapPort} does not answer as an SMTP server", result.Detail, StringComparison.Ordinal);
    }
}
