using Hub.Contracts.Connectors;
using static Hub.Connectors.Twilio.Tests.TwilioTestKit;

namespace Hub.Connectors.Twilio.Tests.Inbound;

/// <summary>What Twilio gets back: empty TwiML, or the instance's own answer to an incoming call or text.</summary>
public sealed class ConfiguredAnswerTests
{
    private const string Voice = "<Response><Say>Thanks for calling Acme.</Say></Response>";
    private const string Messaging = "<Response><Message>Thanks, an agent will answer shortly.</Message></Response>";
    private static readonly ConnectorInstance Answering = Instance(("VoiceResponse", Voice), ("MessagingResponse", Messaging));

    [Theory]
    [InlineData("voice-incoming.form", Voice)]
    [InlineData("sms-inbound.form", Messaging)]
    [InlineData("voice-status-completed.form", TwilioReceiverEmptyTwiml)]
    [InlineData("sms-stop.form", TwilioReceiverEmptyTwiml)]
    [InlineData("recording-completed.form", TwilioReceiverEmptyTwiml)]
    public async Task Incoming_calls_and_texts_get_the_configured_twiml_and_everything_else_empty_twiml(string sample, string expected)
    {
        var result = await HandleAsync(Signed(Sample(sample)), Answering);

        Assert.Null(result.Rejection);
        Assert.Equal(200, result.Response.StatusCode);
        Assert.Equal("text/xml", result.Response.ContentType);
        Assert.Equal(expected, result.Response.Body);
    }

    [Theory]
    [InlineData("HELP", "HELP")]
    [InlineData("info", null)]
    [InlineData(" Help ", null)]
    [InlineData("AYUDA", "HELP")]
    public async Task A_help_text_twilio_answers_itself_is_recorded_as_sms_help_and_gets_no_reply_of_the_hub(string body, string? optOutType)
    {
        var result = await HandleAsync(Signed(HelpText(body, optOutType)), Answering);

        var touchpoint = Assert.Single(result.Touchpoints);
        Assert.Equal("sms.help", touchpoint.Type);
        Assert.Equal(body.Trim(), touchpoint.Summary);
        Assert.Empty(touchpoint.ProfileFacts);
        Assert.Equal(TwilioReceiverEmptyTwiml, result.Response.Body);
    }

    [Fact]
    public async Task Without_configuration_an_incoming_call_gets_empty_twiml()
    {
        Assert.Equal(TwilioReceiverEmptyTwiml, (await HandleAsync(Signed(Sample("voice-incoming.form")))).Response.Body);
    }

    [Theory]
    [InlineData("VoiceResponse", "Thanks for calling")]
    [InlineData("MessagingResponse", "<Message>Hi</Message>")]
    [InlineData("VoiceResponse", "<Response><Say>unclosed</Response>")]
    public void Answers_that_are_not_twiml_are_refused_naming_the_option(string option, string value)
    {
        var problems = ConnectorSettingsValidator.Validate(Connector(), Settings(("AccountSid", AccountSid), ("AuthToken", AuthToken), (option, value)));

        Assert.Contains(problems, p => p.Contains($"'{option}'", StringComparison.Ordinal));
    }

    /// <summary>The STOP sample with another body, and Advanced Opt-Out's OptOutType as given (or none, as a number outside a Messaging Service sends it).</summary>
    private static string HelpText(string body, string? optOutType) => Sample("sms-stop.form")
        .Replace("Body=STOP", "Body=" + Uri.EscapeDataString(body), StringComparison.Ordinal)
        .Replace("&OptOutType=STOP", optOutType is null ? "" : "&OptOutType=" + optOutType, StringComparison.Ordinal);

    private const string TwilioReceiverEmptyTwiml = """<?xml version="1.0" encoding="UTF-8"?><Response></Response>""";
}
