namespace Hub.Contracts.Connectors;

/// <summary>How an option value is typed.</summary>
public enum ConnectorOptionType
{
    /// <summary>Free text.</summary>
    Text,

    /// <summary>A secret: write-only, encrypted at rest, never echoed back.</summary>
    Secret,

    /// <summary>An absolute http or https URL.</summary>
    Url,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>An ISO 3166 two-letter region code such as <c>US</c> or <c>ES</c>: the region national phone numbers are read in.</summary>
    PhoneRegion,
}
