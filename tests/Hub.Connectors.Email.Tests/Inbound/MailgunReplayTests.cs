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
        Assert.Equal("8f3c1d9a27b64e0c5a1f7e93d2b8c6a4f01e5d7b9c3a2e8f64", result.SingleUse?.Value);
        Assert.Equal(SignedAt.AddDays(1), result.SingleUse?.KeepUntil);
    }

    [Fact]
    public async Task A_retry_in_another_multipart_framing_brings_the_same_content_and_another_field_does_not()
    {
        // Mailgun builds each attempt's multipart body anew, so a retry after a 503 has another boundary.
        var first = await Mailgun.HandleAsync(Multipart(Form, "boundary-of-attempt-1"), MailgunInstance(), CancellationToken.None);
        var retry = await Mailgun.HandleAsync(Multipart(Form, "other-boundary-of-attempt-2"), MailgunInstance(), CancellationToken.None);
        var urlEncoded = await Mailgun.HandleAsync(At(SignedAt), MailgunInstance(), CancellationToken.None);
        var forged = await Mailgun.HandleAsync(
            Multipart(Form.Replace("Hello", "Forged", StringComparison.Ordinal), "boundary-of-attempt-1"), MailgunInstance(), CancellationToken.None);

        Assert.NotNull(first.SingleUse?.Content);
        Assert.Equal(first.SingleUse!.Content!.Value.ToArray(), retry.SingleUse?.Content?.ToArray());
        Assert.Equal(first.SingleUse.Content.Value.ToArray(), urlEncoded.SingleUse?.Content?.ToArray());
        Assert.Equal(first.SingleUse.Value, forged.SingleUse?.Value);
        Assert.NotEqual(first.SingleUse.Content.Value.ToArray(), forged.SingleUse?.Content?.ToArray());
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

    /// <summary>The same fields as <paramref name="form"/>, posted as multipart/form-data with <paramref name="boundary"/>.</summary>
    private static InboundWebhookRequest Multipart(string form, string boundary)
    {
        var body = new System.Text.StringBuilder();
        foreach (var pair in form.Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            body.Append($"--{boundary}\r\nContent-Disposition: form-data; name=\"{Uri.UnescapeDataString(pair[..equals])}\"\r\n\r\n")
                .Append(Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '))).Append("\r\n");
        }
        body.Append($"--{boundary}--\r\n");
        return Request(System.Text.Encoding.UTF8.GetBytes(body.ToString()), $"multipart/form-data; boundary={boundary}") with { ReceivedAt = SignedAt };
    }
}
