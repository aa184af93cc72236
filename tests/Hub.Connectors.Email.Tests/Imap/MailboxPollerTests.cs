using Hub.Connectors.Conformance;
using Hub.Connectors.Email.Imap;
using Hub.Contracts.Connectors;
using Microsoft.Extensions.Logging.Abstractions;
using static Hub.Connectors.Email.Tests.EmailTestKit;

namespace Hub.Connectors.Email.Tests.Imap;

public sealed class MailboxPollerTests
{
    [Fact]
    public async Task Each_failed_connection_in_a_row_waits_twice_as_long_and_keeps_the_checkpoint()
    {
        var url = DirectHttpClientFactory.UnreachableUrl();
        var options = ImapOptions.From(Settings(("Host", url.Host), ("Port", url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Security", "none"), ("User", "support@example.com"), ("Password", "secret")));
        var poller = new MailboxPoller(TimeProvider.System, new DirectOutboundConnections(), NullLogger<MailboxPoller>.Instance);

        var waits = new List<TimeSpan?>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var refused = await Assert.ThrowsAsync<SyncTargetUnavailableException>(() => poller.PollAsync("mail1", options, "3857529045:4391", CancellationToken.None));
            waits.Add(refused.RetryAfter);
        }

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], waits);
    }

    [Fact]
    public async Task A_server_the_outbound_guard_refuses_is_not_asked_again_soon_and_the_reason_names_allowed_networks()
    {
        var options = ImapOptions.From(Settings(("Host", "127.0.0.2"), ("Security", "none"), ("User", "support@example.com"), ("Password", "secret")));
        var poller = new MailboxPoller(TimeProvider.System, DirectOutboundConnections.Refusing, NullLogger<MailboxPoller>.Instance);

        var refused = await Assert.ThrowsAsync<SyncTargetUnavailableException>(() => poller.PollAsync("mail1", options, null, CancellationToken.None));

        Assert.Contains("Hub:Outbound:AllowedNetworks", refused.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(5), refused.RetryAfter);
    }
}
