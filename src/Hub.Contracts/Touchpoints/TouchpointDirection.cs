namespace Hub.Contracts.Touchpoints;

/// <summary>Who started the interaction.</summary>
public enum TouchpointDirection
{
    /// <summary>Not a conversation (a record change, a page view).</summary>
    None = 0,

    /// <summary>The customer contacted the company.</summary>
    Inbound = 1,

    /// <summary>The company contacted the customer.</summary>
    Outbound = 2,
}
