using System.ComponentModel;

namespace Hub.Server.Api.Context;

/// <summary>
/// <c>Hub:Context:Twiml</c>: what <c>/api/context/twiml</c> answers. Templates are TwiML with placeholders
/// <c>{name}</c> (the customer's first name, else name, else <see cref="NameFallback"/>), <c>{customerId}</c> and
/// <c>{openIssues}</c> (the number of open cases); the values are XML-escaped.
/// </summary>
internal sealed class CallerTwimlOptions
{
    public const string Section = "Hub:Context:Twiml";

    [Description("TwiML `/api/context/twiml` answers for a caller the hub knows (placeholders `{name}`, `{customerId}`, `{openIssues}`).")]
    public string KnownCaller { get; set; } =
        """<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello {name}, welcome back.</Say></Response>""";

    /// <summary>For a known caller with an open case (for example, to route them to a queue); null uses <see cref="KnownCaller"/>.</summary>
    [Description("TwiML for a known caller with an open case (to route them, say); none uses `KnownCaller`.")]
    public string? KnownCallerWithOpenIssue { get; set; }

    [Description("TwiML for a caller the hub does not know.")]
    public string UnknownCaller { get; set; } = """<?xml version="1.0" encoding="UTF-8"?><Response></Response>""";

    [Description("`{name}` when the customer has no `firstName` or `name`.")]
    public string NameFallback { get; set; } = "there";

    public static bool IsTwiml(string template)
    {
        try
        {
            return System.Xml.Linq.XDocument.Parse(template).Root?.Name.LocalName == "Response";
        }
        catch (System.Xml.XmlException)
        {
            return false;
        }
    }
}
