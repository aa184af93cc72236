namespace Hub.Contracts.Identity;

/// <summary>
/// A typed identifier of a person in some system: <c>email</c>, <c>phone</c> (E.164), <c>twitter</c>
/// (numeric user id), or <c>&lt;system&gt;:&lt;record type&gt;</c> for CRM record ids (<c>salesforce:contact</c>).
/// </summary>
/// <param name="Type">The identifier type; see <see cref="IdentifierTypes"/>.</param>
/// <param name="Value">The value; normalized once the hub has accepted the touchpoint.</param>
public sealed record CustomerIdentifier(string Type, string Value)
{
    /// <summary>An e-mail identifier.</summary>
    public static CustomerIdentifier Email(string value) => new(IdentifierTypes.Email, value);

    /// <summary>A phone identifier.</summary>
    public static CustomerIdentifier Phone(string value) => new(IdentifierTypes.Phone, value);

    /// <inheritdoc />
    public override string ToString() => $"{Type}:{Value}";
}
