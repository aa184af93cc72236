using System.Globalization;
using System.Text.Json;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Webhooks.Inbound;

/// <summary>
/// Segment Spec calls (identify, track, group, page, screen, alias; single, <c>{"batch": [...]}</c>
/// or a JSON array as Segment's Actions webhook batches them) to touchpoints. <c>messageId</c> is the
/// source event id; <c>traits.email</c>, <c>traits.phone</c> and <c>userId</c> become identifiers.
/// </summary>
internal static class SegmentMapper
{
    private const int MaxSourceEventIdLength = 200;

    private static readonly Dictionary<string, (string Type, string? Channel)> Calls = new(StringComparer.Ordinal)
    {
        ["identify"] = ("profile.identified", null),
        ["track"] = ("event.tracked", null),
        ["group"] = ("profile.grouped", null),
        ["alias"] = ("profile.aliased", null),
        ["page"] = ("web.page.viewed", TouchpointChannels.Web),
        ["screen"] = ("app.screen.viewed", TouchpointChannels.Web),
        ["delete"] = ("privacy.deletion.requested", null),
    };

    public static MappingResult Map(JsonElement root, MappingContext context)
    {
        IReadOnlyList<JsonElement> calls;
        JsonElement? batchContext = null;
        if (root.ValueKind == JsonValueKind.Array)
        {
            calls = [.. root.EnumerateArray()];
        }
        else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("batch", out var batch))
        {
            if (batch.ValueKind != JsonValueKind.Array)
            {
                return MappingResult.Fail("'batch' must be an array of Segment calls.");
            }
            calls = [.. batch.EnumerateArray()];
            if (root.TryGetProperty("context", out var shared) && shared.ValueKind == JsonValueKind.Object)
            {
                batchContext = shared;
            }
        }
        else if (root.ValueKind == JsonValueKind.Object)
        {
            calls = [root];
        }
        else
        {
            return MappingResult.Fail("The body must be a Segment call (a JSON object), {\"batch\": [...]}, or a CloudEvent.");
        }

        var isBatch = root.ValueKind == JsonValueKind.Array || root.TryGetProperty("batch", out _);
        var drafts = new List<TouchpointDraft>(calls.Count);
        for (var i = 0; i < calls.Count; i++)
        {
            var (draft, problem) = MapCall(calls[i], batchContext, context, isBatch ? i : null);
            if (problem is not null)
            {
                return MappingResult.Fail(problem);
            }
            drafts.Add(draft!);
        }
        return MappingResult.Ok(drafts);
    }

    private static (TouchpointDraft? Draft, string? Problem) MapCall(
        JsonElement call, JsonElement? batchContext, MappingContext context, int? batchIndex)
    {
        var where = batchIndex is { } i ? $"batch[{i}]" : "the call";
        if (call.ValueKind != JsonValueKind.Object)
        {
            return (null, $"{where} must be a JSON object.");
        }
        var callType = Text(call, "type");
        if (callType is null || !Calls.TryGetValue(callType, out var mapped))
        {
            return (null, $"{where}: 'type' must be one of {string.Join(", ", Calls.Keys)} (got '{callType ?? "nothing"}').");
        }
        var messageId = Text(call, "messageId") ?? (batchIndex is { } n ? $"{context.DeliveryId}:{n}" : context.DeliveryId);
        if (messageId.Length > MaxSourceEventIdLength)
        {
            return (null, $"{where}: 'messageId' is longer than {MaxSourceEventIdLength} characters.");
        }
        var userId = Text(call, "userId");
        // The person's traits: an identify's own, then the call's context.traits, then the batch's; a trait in an earlier
        // one wins. A group call's own traits are the group's, not the person's.
        List<JsonElement> personTraits =
        [
            .. new[]
            {
                callType == "group" ? null : Object(call, "traits"),
                Object(call, "context") is { } ctx ? Object(ctx, "traits") : null,
                batchContext is { } sharedContext ? Object(sharedContext, "traits") : null,
            }.OfType<JsonElement>(),
        ];

        var identities = new List<CustomerIdentifier>();
        if (userId is not null)
        {
            identities.Add(new CustomerIdentifier(context.UserIdType, userId));
        }
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (personTraits.Count > 0 && callType != "group")
        {
            if (personTraits.Select(t => Text(t, "email")).FirstOrDefault(e => e is not null) is { } email)
            {
                identities.Add(CustomerIdentifier.Email(email));
            }
            if (personTraits.Select(t => Text(t, "phone")).FirstOrDefault(p => p is not null) is { } phone)
            {
                identities.Add(CustomerIdentifier.Phone(phone));
            }
            foreach (var traits in Enumerable.Reverse(personTraits))
            {
                ProfileFacts.Flatten(traits, facts);
            }
            if (ProfileFacts.ConsentProblem(facts, name => $"traits.{name}") is { } consent)
            {
                return (null, $"{where}: {consent}");
            }
        }
        if (callType == "group" && Object(call, "traits") is { } groupTraits && Text(groupTraits, "name") is { } company)
        {
            facts["company"] = company;
        }
        if (identities.Count == 0 && Text(call, "anonymousId") is null)
        {
            return (null, $"{where}: a Segment call needs 'userId' or 'anonymousId' (or traits.email / traits.phone).");
        }
        if (callType == "track" && Text(call, "event") is null)
        {
            return (null, $"{where}: a track call needs 'event'.");
        }
        if (!TryTime(call, context.ReceivedAt, out var occurredAt))
        {
            return (null, $"{where}: 'timestamp' is not an ISO 8601 date and time.");
        }
        return (new TouchpointDraft
        {
            SourceEventId = messageId,
            Channel = mapped.Channel ?? context.Channel,
            Type = mapped.Type,
            OccurredAt = occurredAt,
            Direction = callType is "track" or "page" or "screen" ? TouchpointDirection.Inbound : TouchpointDirection.None,
            Identities = identities,
            ProfileFacts = facts,
            Summary = Summary(call, callType),
        }, null);
    }

    private static string Summary(JsonElement call, string callType) => callType switch
    {
        "track" => Text(call, "event")!,
        "page" or "screen" => $"Viewed {Text(call, "name") ?? (Object(call, "properties") is { } p ? Text(p, "url") : null) ?? callType}",
        "group" => $"Member of {Text(call, "groupId")}",
        // Not an identifier: a customer holds one user id of an instance, so two would be refused for review every time.
        "alias" => Text(call, "previousId") is { } previousId ? $"Also known as {previousId}" : "Alias",
        "delete" => "Asked for deletion",
        _ => "Profile updated",
    };

    private static bool TryTime(JsonElement call, DateTimeOffset fallback, out DateTimeOffset time)
    {
        time = fallback;
        var text = Text(call, "timestamp") ?? Text(call, "originalTimestamp");
        return text is null || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    internal static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String when value.GetString() is { Length: > 0 } s => s,
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static JsonElement? Object(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;
}
