using System.Globalization;
using System.Text.Json.Nodes;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Salesforce.Sync;

/// <summary>A touchpoint from another channel as a completed Task on the Contact (a call becomes a logged call).</summary>
internal static class TaskBody
{
    private const int MaxSubject = 255;

    public static JsonObject For(TouchpointReceived touchpoint, string contactId, bool forUpsert)
    {
        var (label, subtype) = touchpoint.Channel switch
        {
            TouchpointChannels.Phone => ("Call", "Call"),
            TouchpointChannels.Email => ("Email", "Email"),
            TouchpointChannels.Sms => ("SMS", "Task"),
            TouchpointChannels.Social => ("Social", "Task"),
            _ => (touchpoint.Channel, "Task"),
        };
        var subject = touchpoint.Summary is { Length: > 0 } summary ? $"{label}: {summary}" : $"{label} ({touchpoint.Type})";
        var json = new JsonObject
        {
            ["WhoId"] = contactId,
            ["Subject"] = subject.Length <= MaxSubject ? subject : subject[..MaxSubject],
            ["Status"] = "Completed",
            ["Priority"] = "Normal",
            ["ActivityDate"] = touchpoint.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Description"] = Description(touchpoint),
        };
        // TaskSubtype is create-only: an upsert that finds the Task already there would be refused with it.
        if (!forUpsert)
        {
            json["TaskSubtype"] = subtype;
        }
        if (touchpoint.Channel == TouchpointChannels.Phone && touchpoint.Direction != TouchpointDirection.None)
        {
            json["CallType"] = touchpoint.Direction.ToString();
        }
        return json;
    }

    private static string Description(TouchpointReceived touchpoint)
    {
        var lines = new List<string>();
        if (touchpoint.Summary is { Length: > 0 } summary)
        {
            lines.Add(summary);
        }
        lines.Add($"{touchpoint.Type} on {touchpoint.Channel} ({touchpoint.Direction.ToString().ToLowerInvariant()}) at {touchpoint.OccurredAt.ToUniversalTime():yyyy-MM-dd HH:mm} UTC, via {touchpoint.ConnectorInstanceId}.");
        if (touchpoint.ContentReference is { Length: > 0 } reference)
        {
            lines.Add(reference);
        }
        lines.Add($"Hub touchpoint {touchpoint.TouchpointId}");
        return string.Join('\n', lines);
    }
}
