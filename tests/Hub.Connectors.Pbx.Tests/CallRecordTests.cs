using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using static Hub.Connectors.Pbx.Tests.PbxTestKit;

namespace Hub.Connectors.Pbx.Tests;

public sealed class CallRecordTests
{
    [Fact]
    public async Task Answered_inbound_call_is_a_completed_call_of_the_caller()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(AnsweredInbound)));

        Assert.Equal("call.completed", touchpoint.Type);
        Assert.Equal(TouchpointChannels.Phone, touchpoint.Channel);
        Assert.Equal(TouchpointDirection.Inbound, touchpoint.Direction);
        Assert.Equal("1772529302.42", touchpoint.SourceEventId);
        Assert.Equal([CustomerIdentifier.Phone("+14155550123")], touchpoint.Identities);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 9, 18, 11, TimeSpan.Zero), touchpoint.OccurredAt);
        Assert.Equal("Incoming call, 182 s", touchpoint.Summary);
    }

    [Theory]
    [InlineData("busy")]
    [InlineData("no-answer")]
    [InlineData("failed")]
    [InlineData("canceled")]
    public async Task Unanswered_outbound_call_is_a_missed_call_of_the_called_number(string outcome)
    {
        var record = $$"""{"callId":"c-9","direction":"outbound","from":"2001","to":"(312) 555-0188","startedAt":"2026-03-03T10:00:00+01:00","outcome":"{{outcome}}"}""";

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(record)));

        Assert.Equal("call.missed", touchpoint.Type);
        Assert.Equal(TouchpointDirection.Outbound, touchpoint.Direction);
        Assert.Equal([CustomerIdentifier.Phone("(312) 555-0188")], touchpoint.Identities);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero), touchpoint.OccurredAt);
    }

    [Fact]
    public async Task Talk_seconds_written_as_a_string_as_FreeSWITCH_writes_billsec_are_read()
    {
        var record = AnsweredInbound.Replace("\"talkSeconds\":182", "\"talkSeconds\":\"182\"", StringComparison.Ordinal);

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(record)));

        Assert.Equal("Incoming call, 182 s", touchpoint.Summary);
    }

    [Fact]
    public async Task Times_with_a_lowercase_t_and_z_as_RFC_3339_allows_are_read()
    {
        var record = AnsweredInbound.Replace("2026-03-03T09:15:02Z", "2026-03-03T09:15:02z", StringComparison.Ordinal)
            .Replace("2026-03-03T09:18:11Z", "2026-03-03t09:18:11z", StringComparison.Ordinal);

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(record)));

        Assert.Equal(new DateTimeOffset(2026, 3, 3, 9, 18, 11, TimeSpan.Zero), touchpoint.OccurredAt);
    }

    [Fact]
    public async Task An_array_of_records_is_taken_whole()
    {
        var other = AnsweredInbound.Replace("1772529302.42", "1772529999.7", StringComparison.Ordinal);

        Assert.Equal(2, (await AcceptedAsync(Signed($"[{AnsweredInbound},{other}]"))).Count);
    }

    [Theory]
    [InlineData("""{"direction":"inbound","from":"+14155550123","startedAt":"2026-03-03T09:15:02Z","outcome":"answered"}""", "callId")]
    [InlineData("""{"callId":"c","direction":"sideways","from":"+14155550123","startedAt":"2026-03-03T09:15:02Z","outcome":"answered"}""", "direction")]
    [InlineData("""{"callId":"c","direction":"inbound","from":"+14155550123","startedAt":"2026-03-03T09:15:02Z","outcome":"ANSWER"}""", "outcome")]
    [InlineData("""{"callId":"c","direction":"inbound","to":"+14155550123","startedAt":"2026-03-03T09:15:02Z","outcome":"answered"}""", "from")]
    [InlineData("""{"callId":"c","direction":"inbound","from":"+14155550123","startedAt":"2026-03-03 09:15:02","outcome":"answered"}""", "startedAt")]
    [InlineData("""{"callId":"c","direction":"inbound","from":"+14155550123","startedAt":"2026-03-03T09:15:02Z","endedAt":"2026-03-03 09:18:11","outcome":"answered"}""", "endedAt")]
    [InlineData("""{"callId":"c","direction":"inbound","from":"+14155550123","startedAt":"2026-03-03T09:15:02Z","answeredAt":"09:15:09","outcome":"answered"}""", "answeredAt")]
    [InlineData("""{"callId":"c","direction":"inbound","from":"+14155550123","startedAt":"2026-03-03T09:15:02Z","talkSeconds":"3 min","outcome":"answered"}""", "talkSeconds")]
    [InlineData("""{"callId":"c","direction":"inbound","from":"+14155550123","startedAt":"2026-03-03T09:15:02Z","talkSeconds":182.5,"outcome":"answered"}""", "talkSeconds")]
    [InlineData("""{"callId":"c","direction":"inbound","from":"+14155550123","startedAt":"2026-03-03T09:15:02Z","talkSeconds":true,"outcome":"answered"}""", "talkSeconds")]
    [InlineData("""{"callId":["c"],"direction":"inbound","from":"+14155550123","startedAt":"2026-03-03T09:15:02Z","outcome":"answered"}""", "callId")]
    [InlineData("""{"callId":"c","direction":"inbound","from":{"number":"+14155550123"},"startedAt":"2026-03-03T09:15:02Z","outcome":"answered"}""", "from")]
    [InlineData("""{"callId":"c","direction":"inbound","from":"+14155550123","startedAt":"2026-03-03T09:15:02Z","outcome":"answered","recordingUrl":false}""", "recordingUrl")]
    public async Task A_record_missing_or_misstating_a_field_is_a_bad_request_naming_it(string record, string field)
    {
        var result = await HandleAsync(Signed($"[{AnsweredInbound},{record}]"));

        Assert.Equal(400, result.Rejection?.StatusCode);
        Assert.StartsWith($"record 1: '{field}'", result.Rejection!.Detail, StringComparison.Ordinal);
        Assert.Empty(result.Touchpoints);
    }

    [Fact]
    public async Task A_stale_signature_is_rejected()
    {
        var result = await HandleAsync(Signed(AnsweredInbound, at: Now.AddMinutes(-10)));

        Assert.Equal(401, result.Rejection?.StatusCode);
        Assert.Empty(result.Touchpoints);
    }
}
