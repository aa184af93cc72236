namespace Hub.Infrastructure.Persistence;

/// <summary>
/// A single-use token a connector found in a signed webhook (Mailgun's <c>token</c>), with the body it came with: the
/// same token with another body is refused until <see cref="KeepUntil"/>.
/// </summary>
public sealed class WebhookTokenRow
{
    public required string ConnectorInstanceId { get; set; }

    /// <summary>SHA-256 of the token, lower-case hex: a fixed size whatever the source sends.</summary>
    public required string TokenHash { get; set; }

    /// <summary>SHA-256 of the request body, lower-case hex.</summary>
    public required string BodyHash { get; set; }

    public DateTimeOffset KeepUntil { get; set; }
}
