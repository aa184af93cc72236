using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using static Hub.Connectors.Twilio.Tests.TwilioTestKit;

namespace Hub.Connectors.Twilio.Tests.Inbound;

public sealed class CallMappingTests
{
    [Fact]
    public async Task Incoming_call_is_a_started_call_of_the_caller()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("voice-incoming.form"))));

        Assert.Equal("call.started", touchpoint.Type);
        Assert.Equal(TouchpointChannels.Phone, touchpoint.Channel);
        Assert.Equal(TouchpointDirection.Inbound, touchpoint.Direction);
        Assert.Equal("CA7b810266248bdfda6ab66f956c264d20:ringing", touchpoint.SourceEventId);
        Assert.Equal([CustomerIdentifier.Phone("+14155550123")], touchpoint.Identities);
        Assert.Equal(Now, touchpoint.OccurredAt);
    }

    [Fact]
    public async Task Completed_outbound_call_is_on_the_called_customer_with_its_duration_and_recording()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("voice-status-completed.form"))));

        Assert.Equal("call.completed", touchpoint.Type);
        Assert.Equal(TouchpointDirection.Outbound, touchpoint.Direction);
        Assert.Equal("CA90bf944d7f2d32d720a40ac36a6bddb0:completed", touchpoint.SourceEventId);
        Assert.Equal([CustomerIdentifier.Phone("+14155550123")], touchpoint.Identities);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 14, 7, 19, TimeSpan.Zero), touchpoint.OccurredAt);
        Assert.Contains("127 s", touchpoint.Summary, StringComparison.Ordinal);
        Assert.StartsWith("https://api.twilio.com/2010-04-01/Accounts/", touchpoint.ContentReference, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-answer")]
    [InlineData("busy")]
    [InlineData("failed")]
    public async Task Unanswered_call_is_a_missed_call(string status)
    {
        var form = Sample("voice-status-no-answer.form").Replace("CallStatus=no-answer", $"CallStatus={status}", StringComparison.Ordinal);

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(form)));

        Assert.Equal("call.missed", touchpoint.Type);
        Assert.Equal($"CAf90368bc4d335d772fb100af5a7229c1:{status}", touchpoint.SourceEventId);
        Assert.Equal([CustomerIdentifier.Phone("+13125550188")], touchpoint.Identities);
        Assert.StartsWith("Missed call", touchpoint.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("machine_end_beep", "Missed call (answered by voicemail)")]
    [InlineData("machine_start", "Missed call (answered by voicemail)")]
    [InlineData("fax", "Missed call (answered by a fax)")]
    public async Task A_completed_outbound_call_that_answering_machine_detection_says_reached_a_machine_is_a_missed_call(string answeredBy, string summary)
    {
        var form = Sample("voice-status-completed.form").Replace("AnsweredBy=human", $"AnsweredBy={answeredBy}", StringComparison.Ordinal);

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(form)));

        Assert.Equal(("call.missed", summary), (touchpoint.Type, touchpoint.Summary));
        Assert.Equal(TouchpointDirection.Outbound, touchpoint.Direction);
        Assert.Equal("CA90bf944d7f2d32d720a40ac36a6bddb0:completed", touchpoint.SourceEventId);
    }

    [Fact]
    public async Task A_completed_outbound_call_a_person_answered_stays_a_completed_call()
    {
        Assert.Contains("AnsweredBy=human", Sample("voice-status-completed.form"), StringComparison.Ordinal);
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("voice-status-completed.form"))));

        Assert.Equal("call.completed", touchpoint.Type);
    }

    [Theory]
    [InlineData("queued")]
    [InlineData("initiated")]
    [InlineData("in-progress")]
    public async Task Progress_events_are_answered_but_bring_no_touchpoint(string status)
    {
        var form = Sample("voice-incoming.form").Replace("CallStatus=ringing", $"CallStatus={status}", StringComparison.Ordinal);

        var result = await HandleAsync(Signed(form));

        Assert.Null(result.Rejection);
        Assert.Empty(result.Touchpoints);
        Assert.Equal("text/xml", result.Response.ContentType);
    }

    [Fact]
    public async Task Each_status_of_one_call_is_its_own_touchpoint_and_a_retried_status_the_same()
    {
        var ringing = Assert.Single(await AcceptedAsync(Signed(Sample("voice-incoming.form"))));
        var completedForm = Sample("voice-incoming.form").Replace("CallStatus=ringing", "CallStatus=completed", StringComparison.Ordinal);
        var completed = Assert.Single(await AcceptedAsync(Signed(completedForm)));
        var retried = Assert.Single(await AcceptedAsync(Signed(completedForm)));

        Assert.NotEqual(ringing.SourceEventId, completed.SourceEventId);
        Assert.Equal(completed.SourceEventId, retried.SourceEventId);
    }

    [Fact]
    public async Task Recording_callback_is_a_recorded_call_pointing_at_the_recording()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("recording-completed.form"))));

        Assert.Equal("call.recorded", touchpoint.Type);
        Assert.Equal("RE2674d83e5ec5504846b6285562c16fbc:completed", touchpoint.SourceEventId);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 14, 5, 13, TimeSpan.Zero), touchpoint.OccurredAt);
        Assert.Equal("https://api.twilio.com/2010-04-01/Accounts/AC6517c71827effc90e5d810323cceb50d/Recordings/RE2674d83e5ec5504846b6285562c16fbc", touchpoint.ContentReference);
        Assert.Contains("CA90bf944d7f2d32d720a40ac36a6bddb0", touchpoint.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_from_a_Voice_SDK_client_carries_no_phone_identity()
    {
        var form = Sample("voice-incoming.form").Replace("From=%2B14155550123", "From=client%3Aagent-7", StringComparison.Ordinal);

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(form)));

        Assert.Empty(touchpoint.Identities);
    }
}
