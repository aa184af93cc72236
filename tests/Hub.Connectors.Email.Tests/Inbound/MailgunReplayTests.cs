using Hub.Contracts.Connectors;
using static Hub.Connectors.Email.Tests.EmailTestKit;

namespace Hub.Connectors.Email.Tests.Inbound;

/// <summary>
/// Mailgun signs only <c>timestamp + token</c>, not the mail: a post signed longer ago than the tolerance is refused,
/// and the token of an accepted post goes to the host as single-use, to be kept until the tolerance would refuse it.
/// </summary>
public sealed class MailgunReplayTests
{
    private static readonly IInboundWebhookHandler Mailgun = (IInboundWebhookHandler)Connector("mailgun");
    private static readonly string Form = MailgunForm();
    private static readonly DateTimeOffset SignedAt = MailgunSignedAt(Form);

    [Theory]
    [InlineData(0)]
    [InlineData(86_400)]
    [InlineData(-86_400)]
    public async Task A_post_within_a_day_of_its_timestamp_is_accepted_with_its_token_single_use_for_a_day_from_signing(int secondsAfterSigning)
    {
        var result = await Mailgun.HandleAsync(At(SignedAt.AddSeconds(secondsAfterSigning)), MailgunInstance(), CancellationToken.None);

        Assert.Null(result.Rejection);
        Assert.Single(result.Touchpoints);
        Assert.Equal(new SingleUseToken("8f3c1d9a27b64e0c5a1f7e93d2b8c6a4f01e5d7b9c3a2e8f64", SignedAt.AddDays(1)), result.SingleUse);
    }

    [Theory]
    [InlineData(86_401, "86401 s away")]
    [InlineData(-86_401, "86401 s away")]
    [InlineData(90 * 86_400, "7776000 s away")]
    public async Task A_post_signed_more_than_a_day_from_now_is_refused_with_401(int secondsAfterSigning, string detail)
    {
        var result = await Mailgun.HandleAsync(At(SignedAt.AddSeconds(secondsAfterSigning)), MailgunInstance(), CancellationToken.None);

        Assert.Equal(401, result.Rejection?.StatusCode);
        Assert.Contains(detail, result.Rejection!.Detail, StringComparison.Ordinal);
        Assert.Contains("ToleranceSeconds", result.Rejection.Detail, StringComparison.Ordinal);
        Assert.Empty(result.Touchpoints);
        Assert.Null(result.SingleUse);
    }

    [Fact]
    public async Task The_tolerance_is_the_instances_setting()
    {
        var instance = new ConnectorInstance(InstanceId, "mailgun", Settings(("SigningKey", MailgunKey), ("ToleranceSeconds", "600")));

        var late = await Mailgun.HandleAsync(At(SignedAt.AddSeconds(601)), instance, CancellationToken.None);
        var inTime = await Mailgun.HandleAsync(At(SignedAt.AddSeconds(600)), instance, CancellationToken.None);

        Assert.Equal(401, late.Rejection?.StatusCode);
        Assert.Null(inTime.Rejection);
        Assert.Equal(SignedAt.AddSeconds(600), inTime.SingleUse?.KeepUntil);
    }

    [Theory]
    [InlineData("59")]
    [InlineData("604801")]
    [InlineData("a day")]
    [InlineData("-5")]
    public void A_tolerance_outside_a_minute_to_a_week_is_a_problem_naming_it(string value)
    {
        var problems = ConnectorSettingsValidator.Validate(Connector("mailgun"), Settings(("SigningKey", MailgunKey), ("ToleranceSeconds", value)));

        Assert.Contains(problems, p => p.Contains("'ToleranceSeconds'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tolerance_of_a_week_is_valid()
    {
        Assert.Empty(ConnectorSettingsValidator.Validate(Connector("mailgun"), Settings(("SigningKey", MailgunKey), ("ToleranceSeconds", "604800"))));
    }

    private static InboundWebhookRequest At(DateTimeOffset receivedAt) => MailgunRequest(Form) with { ReceivedAt = receivedAt };
}
