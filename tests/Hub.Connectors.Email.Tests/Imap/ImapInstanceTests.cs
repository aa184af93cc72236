using Hub.Connectors.Conformance;
using Hub.Connectors.Email.Imap;
using Hub.Contracts.Connectors;
using static Hub.Connectors.Email.Tests.EmailTestKit;

namespace Hub.Connectors.Email.Tests.Imap;

/// <summary>The parts of the conformance kit an IMAP source has (it takes no webhooks): options and the connection test.</summary>
public sealed class ImapInstanceTests
{
    private static readonly IConnector Imap = Connector("imap");

    private static ConnectorSettings Valid(params (string Name, string? Value)[] extra) =>
        Settings([("Host", "imap.example.com"), ("User", "support@example.com"), ("Password", "secret"), .. extra]);

    public static TheoryData<string, string, string> InvalidSettings => new()
    {
        { "Security", "Security", "tls" },
        { "SmtpSecurity", "SmtpSecurity", "starttls-maybe" },
        { "Port", "Port", "99999" },
        { "SmtpPort", "SmtpPort", "0" },
        { "Authentication", "Authentication", "kerberos" },
        { "FromAddress", "FromAddress", "not an address" },
        { "IdleSeconds", "IdleSeconds", "600" },
        { "BatchSize", "BatchSize", "0" },
        { "MaxMessageBytes", "MaxMessageBytes", "1000" },
        { "PollIntervalSeconds", "PollIntervalSeconds", "soon" },
    };

    [Fact]
    public void A_mailbox_with_host_user_and_password_is_valid()
    {
        Assert.Empty(ConnectorSettingsValidator.Validate(Imap, Valid(("SmtpHost", "smtp.example.com"), ("FromAddress", "support@example.com"))));
    }

    [Fact]
    public void A_mailbox_without_smtp_host_or_from_address_says_it_cannot_send_before_anything_is_tried()
    {
        var sender = (IMessageSender)Imap;

        Assert.Contains("'SmtpHost'", sender.SendingProblem(new ConnectorInstance("mail1", "imap", Valid())), StringComparison.Ordinal);
        Assert.Contains("'FromAddress'", sender.SendingProblem(new ConnectorInstance("mail1", "imap", Valid(("SmtpHost", "smtp.example.com")))), StringComparison.Ordinal);
        Assert.Null(sender.SendingProblem(new ConnectorInstance("mail1", "imap", Valid(("SmtpHost", "smtp.example.com"), ("FromAddress", "support@example.com")))));
    }

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Each_invalid_setting_is_a_problem_naming_its_option(string option, string name, string value)
    {
        var problems = ConnectorSettingsValidator.Validate(Imap, Valid((name, value)));

        Assert.Contains(problems, p => p.Contains($"'{option}'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Host")]
    [InlineData("User")]
    [InlineData("Password")]
    public void A_missing_required_option_is_a_problem_naming_it(string option)
    {
        var settings = Settings([.. new[] { ("Host", "imap.example.com"), ("User", "support@example.com"), ("Password", "secret") }.Where(s => s.Item1 != option).Select(s => (s.Item1, (string?)s.Item2))]);

        Assert.Contains(ConnectorSettingsValidator.Validate(Imap, settings), p => p.Contains($"'{option}'", StringComparison.Ordinal));
    }

    [Fact]
    public void Replies_need_a_from_address()
    {
        Assert.Contains(ConnectorSettingsValidator.Validate(Imap, Valid(("SmtpHost", "smtp.example.com"))), p => p.Contains("'FromAddress'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_password_is_a_secret()
    {
        Assert.True(Imap.Descriptor.Options.Single(o => o.Name == "Password").IsSecret);
    }

    [Fact]
    public async Task An_unreachable_server_fails_the_connection_test_as_unreachable()
    {
        var url = DirectHttpClientFactory.UnreachableUrl();
        var instance = new ConnectorInstance("mail1", "imap", Valid(("Host", url.Host), ("Port", url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Security", "none")));

        var result = await ((IConnectionTester)Imap).TestAsync(instance, CancellationToken.None);

        Assert.Equal(ConnectionTestOutcome.Unreachable, result.Outcome);
        Assert.Contains(url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_the_outbound_guard_refuses_fails_the_connection_test_naming_allowed_networks()
    {
        var guarded = (IConnectionTester)Connector("imap", DirectOutboundConnections.Refusing);
        var instance = new ConnectorInstance("mail1", "imap", Valid(("Host", "127.0.0.2"), ("Security", "none")));

        var result = await guarded.TestAsync(instance, CancellationToken.None);

        Assert.Equal(ConnectionTestOutcome.Unreachable, result.Outcome);
        Assert.StartsWith("127.0.0.2:143 is not allowed: ", result.Detail, StringComparison.Ordinal);
        Assert.Contains("Hub:Outbound:AllowedNetworks", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_through_an_smtp_server_the_outbound_guard_refuses_is_thrown_as_refused_not_as_an_outage()
    {
        var guarded = (IMessageSender)Connector("imap", DirectOutboundConnections.Refusing);
        var instance = new ConnectorInstance("mail1", "imap", Valid(("SmtpHost", "127.0.0.2"), ("SmtpSecurity", "none"), ("FromAddress", "support@example.com")));

        var refused = await Assert.ThrowsAsync<OutboundAddressRefusedException>(async () =>
            await guarded.SendAsync(new OutboundMessage("jane.doe@example.org", "Hello"), instance, CancellationToken.None));

        Assert.Contains("Hub:Outbound:AllowedNetworks", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("garbage", null)]
    [InlineData("3857529045:4391", "3857529045:4391")]
    public void The_checkpoint_is_uidvalidity_and_last_uid(string? text, string? parsed)
    {
        Assert.Equal(parsed, ImapCheckpoint.Parse(text)?.ToString());
    }
}
