using System.Security.Cryptography;
using System.Text;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Infrastructure.Ingress;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Sync;

/// <summary>
/// Links the identifier a target reported for a customer (<see cref="SyncResult.ExternalIdentifier"/>, such as
/// <c>salesforce:contact</c>) through the normal pipeline, so that identity resolution stays the one writer of the
/// identity graph: a <c>crm.record.linked</c> touchpoint of the target instance carrying the customer's identifiers
/// and the new one enters like any webhook's (<see cref="ITouchpointIngress"/>: broker-confirmed, or buffered in
/// embedded mode, so a crash loses no link). The resolver then attaches it, or, when the identifier is another
/// customer's, reports a merge-protection conflict: a link never merges two customers (<see cref="Hub.Core.Identity.Resolution.IdentityLink.MayMerge"/>).
/// Its id derives from customer and identifier, so linking again changes nothing; the change it makes comes from
/// the target instance, so it is not pushed back there.
/// A record the push created (<see cref="SyncResult.RecordCreated"/>) is linked by a touchpoint of its own id (so a
/// later "found" link of the same record cannot take its place) that names the record and the customer it was created
/// for in its details (<see cref="CreatedRecordOf"/>): merge protection does not count such a record.
/// </summary>
internal sealed partial class ExternalIdentifierLinks(
    IdentifierNormalizer identifiers, TouchpointNormalizer touchpoints, ITouchpointIngress ingress, TimeProvider time, ILogger<ExternalIdentifierLinks> logger)
{
    public const string LinkedType = "crm.record.linked";

    private const string CreatedTypeDetail = "createdRecordType";
    private const string CreatedIdDetail = "createdRecordId";
    private const string CreatedForDetail = "createdForCustomerId";

    /// <summary>Longer keys are hashed: the timeline's source event id holds at most 300 characters.</summary>
    private const int MaxKeyLength = 200;

    public async Task LinkAsync(ConnectorInstance instance, IReadOnlyList<ExternalIdentifierLink> delivered, CancellationToken cancellationToken)
    {
        var links = new List<TouchpointReceived>();
        var now = time.GetUtcNow();
        foreach (var (customer, result, occurredAt) in delivered)
        {
            if (result.ExternalIdentifier is not { } reported)
            {
                continue;
            }
            if (identifiers.Normalize(reported).Identifier is not { } identifier)
            {
                LogInvalid(logger, instance.Id, reported.ToString(), customer.Id);
                continue;
            }
            if (!customer.Identifiers.Contains(identifier))
            {
                links.Add(touchpoints.Normalize(Draft(customer, identifier, result.RecordCreated, occurredAt), instance.Id, now));
            }
        }
        await ingress.AcceptAsync(links, cancellationToken);
    }

    /// <summary>The record a link touchpoint says the hub created, and the customer it was created for; null for any other touchpoint.</summary>
    public static (CustomerIdentifier Record, Guid CreatedFor)? CreatedRecordOf(string touchpointType, IReadOnlyDictionary<string, string> details) =>
        touchpointType == LinkedType
            && details.TryGetValue(CreatedTypeDetail, out var type) && details.TryGetValue(CreatedIdDetail, out var id)
            && details.TryGetValue(CreatedForDetail, out var customer) && Guid.TryParse(customer, out var customerId)
            ? (new CustomerIdentifier(type, id), customerId)
            : null;

    private static TouchpointDraft Draft(CustomerSnapshot customer, CustomerIdentifier identifier, bool created, DateTimeOffset occurredAt) => new()
    {
        SourceEventId = $"{(created ? "sync-created" : "sync-link")}:{customer.Id}:{Key(identifier)}",
        Channel = TouchpointChannels.Crm,
        Type = LinkedType,
        OccurredAt = occurredAt,
        Identities = [.. customer.Identifiers, identifier],
        Summary = $"Linked to {identifier.Type} {identifier.Value}{(created ? ", which the hub created for this customer" : "")}",
        Details = created
            ? new Dictionary<string, string>
            {
                [CreatedTypeDetail] = identifier.Type,
                [CreatedIdDetail] = identifier.Value,
                [CreatedForDetail] = customer.Id.ToString(),
            }
            : new Dictionary<string, string>(),
    };

    private static string Key(CustomerIdentifier identifier)
    {
        var key = $"{identifier.Type}:{identifier.Value}";
        return key.Length <= MaxKeyLength ? key : $"sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync target {InstanceId} reported identifier {Identifier} for customer {CustomerId}, which is not a valid identifier; not linked")]
    private static partial void LogInvalid(ILogger logger, string instanceId, string identifier, Guid customerId);
}

/// <summary>A delivered push whose result may name the customer's identifier in the target.</summary>
internal sealed record ExternalIdentifierLink(CustomerSnapshot Customer, SyncResult Result, DateTimeOffset OccurredAt);
