using System.Security;
using Hub.Contracts.Customers;
using Hub.Core.Identity;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Api.Context;

/// <summary>
/// <c>GET /api/context/twiml?phone=...</c>, or <c>POST</c> with Twilio's voice webhook form (the caller in <c>From</c>):
/// TwiML that greets a known caller by name, routes one with an open case differently, and says nothing special
/// to a stranger. Templates come from <see cref="CallerTwimlOptions"/>.
/// </summary>
internal static class GetCallerTwiml
{
    private const string TwimlType = "text/xml";

    public static async Task<IResult> HandleAsync(
        HttpContext http, IdentifierNormalizer normalizer, HubDbContext db, IOptions<CallerTwimlOptions> options, CancellationToken cancellationToken)
    {
        var phone = http.Request.Query["phone"].FirstOrDefault();
        if (phone is null && http.Request.HasFormContentType)
        {
            phone = (await http.Request.ReadFormAsync(cancellationToken))["From"].FirstOrDefault();
        }
        if (string.IsNullOrWhiteSpace(phone))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid context request",
                detail: "Give the caller as 'phone' in the query, or as 'From' in a form body (as Twilio posts it).");
        }
        var (customerId, _, problem) = await ContextSubject.FindAsync(null, phone, null, normalizer, db, cancellationToken);
        var twiml = options.Value;
        if (problem is not null || customerId is not { } id)
        {
            return Results.Text(twiml.UnknownCaller, TwimlType);
        }
        var customer = await db.Customers.AsNoTracking().Include(c => c.Fields).FirstAsync(c => c.Id == id, cancellationToken);
        var fields = CustomerSnapshots.From(customer).Fields;
        var openIssues = (await OpenIssues.OfAsync(db, id, cancellationToken)).Count;
        var template = openIssues > 0 && twiml.KnownCallerWithOpenIssue is { } routed ? routed : twiml.KnownCaller;
        return Results.Text(template
            .Replace("{name}", Escaped(NameOf(fields) ?? twiml.NameFallback), StringComparison.Ordinal)
            .Replace("{customerId}", id.ToString(), StringComparison.Ordinal)
            .Replace("{openIssues}", openIssues.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), TwimlType);
    }

    private static string? NameOf(IReadOnlyDictionary<string, CustomerFieldValue> fields) =>
        new[] { "firstName", "name" }.Select(f => fields.GetValueOrDefault(f)?.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static string Escaped(string text) => SecurityElement.Escape(text) ?? "";
}
