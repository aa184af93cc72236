using System.Net;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;

namespace Hub.Integration.Tests.RelationshipHealth;

/// <summary>Touchpoints sent as the hub's own signed CloudEvents, and waiting until the hub has applied all of them.</summary>
internal static class HealthEvents
{
    public static Task SendAsync(
        EmbeddedHub hub, string id, string email, string channel, string type, string direction, DateTimeOffset at, string? reference = null) =>
        SendAsync(hub.Sender, id, email, channel, type, direction, at, reference);

    public static async Task SendAsync(
        SignedWebhookSender sender, string id, string email, string channel, string type, string direction, DateTimeOffset at, string? reference = null)
    {
        var json = $$$"""
            {"specversion":"1.0","type":"io.hub.touchpoint","source":"https://helpdesk.example.com","id":"{{{id}}}","time":"{{{at:O}}}",
             "datacontenttype":"application/json",
             "data":{"channel":"{{{channel}}}","type":"{{{type}}}","direction":"{{{direction}}}",
                     "identities":[{"type":"email","value":"{{{email}}}"}]{{{(reference is null ? "" : $",\"contentReference\":\"{reference}\"")}}}}}
            """;
        // A 503 asks the source to retry (the broker did not confirm in time, as on a busy machine): retry like one.
        for (var attempt = 1; ; attempt++)
        {
            using var response = await sender.SendAsync(json, contentType: "application/cloudevents+json");
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 20)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return;
            }
            await Task.Delay(500);
        }
    }

    public static Task SettledAsync(EmbeddedHub hub, long timelineEntries) => SettledAsync(hub.CountAsync, timelineEntries, checkIngressBuffer: true);

    public static async Task SettledAsync(Func<string, Task<long>> count, long timelineEntries, bool checkIngressBuffer)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (await count("timeline") >= timelineEntries && (!checkIngressBuffer || await count("ingress_buffer") == 0))
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"The hub did not apply {timelineEntries} touchpoints within 30 seconds.");
    }
}
