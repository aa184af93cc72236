namespace Hub.Contracts.Connectors;

/// <summary>One option of a connector instance.</summary>
/// <param name="Name">The configuration key under the instance's section, such as <c>Secret</c>.</param>
/// <param name="DisplayName">The label an admin sees.</param>
/// <param name="Type">How the value is typed and validated.</param>
/// <param name="Required">Whether an instance is invalid without it.</param>
/// <param name="Description">Help text for the admin.</param>
/// <param name="DefaultValue">The value used when none is configured.</param>
public sealed record ConnectorOptionDescriptor(
    string Name,
    string DisplayName,
    ConnectorOptionType Type,
    bool Required,
    string Description,
    string? DefaultValue = null)
{
    /// <summary>Secrets are encrypted at rest and never returned by the API.</summary>
    public bool IsSecret => Type == ConnectorOptionType.Secret;

    /// <summary>
    /// Whether no two instances of the connector may have the same value, because the value tells them apart (a token a
    /// caller presents, for one). The hub refuses to start, and the admin UI refuses to save, an instance that repeats one.
    /// </summary>
    public bool UniqueAmongInstances { get; init; }

    /// <summary>
    /// Whether the option decides where the hub connects and sends the instance's credentials (a URL, a host, a port, the
    /// transport security). When such a setting differs from the stored one, the admin UI does not reuse stored secrets
    /// (for saving or for a connection test): they must be entered again, so a changed address cannot collect them.
    /// URL options are destinations unless a connector says otherwise (a URL the hub only compares signatures with).
    /// </summary>
    public bool IsDestination { get; init; } = Type == ConnectorOptionType.Url;

    /// <summary>
    /// Where the URL a source system posts to (<c>/webhooks/&lt;instance&gt;</c>) must carry the option's value, when the
    /// source authenticates with the URL itself: the admin UI writes that URL with it.
    /// </summary>
    public WebhookUrlPart InWebhookUrl { get; init; }
}

/// <summary>A part of the webhook URL that carries an option's value.</summary>
public enum WebhookUrlPart
{
    /// <summary>Not in the URL.</summary>
    None,

    /// <summary>The user of the URL's Basic credentials (<c>https://user:password@host/...</c>).</summary>
    BasicUser,

    /// <summary>The password of the URL's Basic credentials.</summary>
    BasicPassword,

    /// <summary>The <c>secret</c> query parameter (<c>...?secret=value</c>).</summary>
    SecretQueryParameter,
}
