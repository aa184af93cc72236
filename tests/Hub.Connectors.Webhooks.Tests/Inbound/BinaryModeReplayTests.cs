using System.Text.Json.Nodes;
using Hub.Contracts.Connectors;
using static Hub.Connectors.Webhooks.Tests.WebhooksTestKit;

namespace Hub.Connectors.Webhooks.Tests.Inbound;

/// <summary>
/// Binary-mode CloudEvents: the <c>ce-</c> headers are not signed, so the <c>webhook-id</c> goes to the host as a single-use
/// token with the attributes and body it came with (the host refuses it with other ones, see WebhookReplayTests in the
/// integration tests); the modes whose attributes are in the signed body need none.
/// </summary>
public sealed class BinaryModeReplayTests
{
    private const string MessageId = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";

    private static readonly string Data = new JsonObject
    {
        ["channel"] = "web",
        ["type"] = "ticket.opened",
        ["identities"] = new JsonArray { new JsonObject { ["type"] = "email", ["value"] = "jane.doe@example.org" } },
    }.ToJsonString();

    private static Dictionary<string, string> Attributes(string id = "rp-1", string time = "2025-03-14T09:26:53Z") => new()
    {
        ["ce-specversion"] = "1.0",
        ["ce-type"] = "io.hub.touchpoint",
        ["ce-source"] = "https://helpdesk.example.com",
        ["ce-id"] = id,
        ["ce-time"] = time,
    };

    [Fact]
    public async Task Binary_mode_hands_the_webhook_id_to_the_host_as_single_use_until_its_timestamp_is_stale()
    {
        var result = await HandleAsync(Signed(Data, headers: Attributes()));

        Assert.Null(result.Rejection);
        var token = Assert.IsType<SingleUseToken>(result.SingleUse);
        Assert.Equal(MessageId, token.Value);
        // Signed at Now; the default tolerance is 300 s, compared in whole seconds.
        Assert.Equal(Now.AddSeconds(301), token.KeepUntil);
        Assert.Contains($"webhook-id '{MessageId}' was already used with different CloudEvents attributes", token.ReuseDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_brings_the_same_content_and_another_ce_id_or_ce_time_other_content()
    {
        var first = await ContentAsync(Attributes());
        var retry = await ContentAsync(Attributes());
        var otherId = await ContentAsync(Attributes(id: "rp-2"));
        var backDated = await ContentAsync(Attributes(time: "2020-01-01T00:00:00Z"));
        var withoutTime = Attributes();
        withoutTime.Remove("ce-time");

        Assert.Equal(first, retry);
        Assert.NotEqual(first, otherId);
        Assert.NotEqual(first, backDated);
        Assert.NotEqual(first, await ContentAsync(withoutTime));
    }

    [Theory]
    [InlineData("application/cloudevents+json")]
    [InlineData("application/json")]
    public async Task A_structured_event_is_signed_whole_and_needs_no_token(string contentType)
    {
        var structured = new JsonObject
        {
            ["specversion"] = "1.0", ["type"] = "io.hub.touchpoint", ["source"] = "https://helpdesk.example.com", ["id"] = "rp-1",
            ["data"] = JsonNode.Parse(Data),
        }.ToJsonString();

        var result = await HandleAsync(Signed(structured, contentType));

        Assert.Null(result.Rejection);
        Assert.Null(result.SingleUse);
    }

    [Fact]
    public async Task A_segment_call_needs_no_token()
    {
        var result = await HandleAsync(Signed("""{"type":"identify","messageId":"ev-1","userId":"u-1"}"""));

        Assert.Null(result.Rejection);
        Assert.Null(result.SingleUse);
    }

    private static async Task<byte[]> ContentAsync(Dictionary<string, string> attributes)
    {
        var result = await HandleAsync(Signed(Data, headers: attributes));
        Assert.Null(result.Rejection);
        return result.SingleUse!.Content!.Value.ToArray();
    }
}
