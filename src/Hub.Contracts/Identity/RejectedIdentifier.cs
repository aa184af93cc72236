namespace Hub.Contracts.Identity;

/// <summary>An identifier a touchpoint carried that could not be normalized; kept so that nothing is dropped silently.</summary>
/// <param name="Identifier">The identifier as the source sent it.</param>
/// <param name="Reason">Why it was not accepted.</param>
public sealed record RejectedIdentifier(CustomerIdentifier Identifier, string Reason);
