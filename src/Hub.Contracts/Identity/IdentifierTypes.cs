namespace Hub.Contracts.Identity;

/// <summary>The well-known identifier types. CRM record ids use <see cref="ExternalRecord"/>.</summary>
public static class IdentifierTypes
{
    /// <summary>An e-mail address, trimmed and lower-cased.</summary>
    public const string Email = "email";

    /// <summary>A phone number in E.164 form.</summary>
    public const string Phone = "phone";

    /// <summary>A Twitter/X numeric user id (the handle is a fact, not an identifier: handles change).</summary>
    public const string Twitter = "twitter";

    /// <summary>The identifier type of a record id in another system, such as <c>salesforce:contact</c>.</summary>
    public static string ExternalRecord(string system, string recordType) =>
        $"{system.Trim().ToLowerInvariant()}:{recordType.Trim().ToLowerInvariant()}";
}
