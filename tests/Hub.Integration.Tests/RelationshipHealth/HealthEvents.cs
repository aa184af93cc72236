using System.Net;
using Hub.Integration.Tests.Hosting;

namespace Hub.Integration.Tests.RelationshipHealth;

/// <summary>Touchpoints sent as the hub's own signed CloudEvents, and waiting until the hub has applied all of them.</summary>
internal static class HealthEvents
{
    public static async Task SendAsync(
        EmbeddedHub hub, string id, string email, string channel, string type, string direction, DateTimeOffset at, string? reference = null)
    {
        var json = $$$"""
            {"specversion":"1.0","type":"io.hub.touchpoint","source":"https://helpdesk.example.com","id":"{{{id}}}","time":"{{{at:O}}}",
             "datacontenttype":"application/json",
             "data":{"channel":"{{{channel}}}","type":"{{{type}}}","direction":"{{{direction}}}",
                     "identities":[{"type":"email","value":"{{{email}}}"}]{{{(reference is null ? "" : $",\"contentReference\":\"{reference}\"")}}}}}
            """;
        using var response = await hub.Sender.SendAsync(json, contentType: "application/cloudevents+json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task SettledAsync(EmbeddedHub hub, long timelineEntries)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (await hub.CountAsync("timeline") >= timelineEntries && await hub.CountAsync("ingress_buffer") == 0)
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"The hub did not apply {timelineEntries} touchpoints within 30 seconds.");
    }
}
