namespace Hub.Connectors.Salesforce.Records;

/// <summary>The first three characters of a record id name its object type.</summary>
internal static class KeyPrefixes
{
    public const string Organization = "00D";
    public const string User = "005";
    public const string Contact = "003";
    public const string Lead = "00Q";
}
