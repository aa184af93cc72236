using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Connectors.Salesforce.Api;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;

namespace Hub.Connectors.Salesforce.Sync;

/// <summary>
/// Many changes in few calls through sObject Collections (up to 200 records a call, <c>allOrNone: false</c>):
/// <c>PATCH composite/sobjects/Contact/{ExternalIdField}</c> upserts, <c>PATCH composite/sobjects</c> updates
/// Contacts whose id is known. Each record gets its own result; a transient error on any record throws
/// after the others are recorded, and the retry writes only what is still missing.
/// </summary>
internal sealed class ContactBatchWriter(SalesforceClient client, PushLedger ledger, ContactWriter single)
{
    public const int MaxRecordsPerCall = 200;

    public async ValueTask<IReadOnlyList<SyncResult>> PushBatchAsync(IReadOnlyList<CustomerUpdated> changes, ConnectorInstance instance, CancellationToken cancellationToken)
    {
        var options = SalesforceOptions.From(instance.Settings);
        var results = new SyncResult?[changes.Count];
        var pending = new List<(int Index, Guid Customer, ContactPayload Payload, string? ContactId)>();
        for (var i = 0; i < changes.Count; i++)
        {
            results[i] = single.Skip(changes[i], instance, options);
            if (results[i] is null)
            {
                var payload = ContactPayload.From(changes[i].Customer, options);
                pending.Add((i, changes[i].CustomerId, payload, single.ContactIdOf(payload, instance, changes[i].CustomerId)));
            }
        }
        if (pending.Count == 1)
        {
            results[pending[0].Index] = await single.WriteAsync(changes[pending[0].Index].Customer, instance, options, cancellationToken);
            return [.. results.Select(r => r!)];
        }
        var transient = new List<string>();
        var gone = new List<int>();
        foreach (var byId in new[] { false, true })
        {
            foreach (var chunk in pending.Where(p => (p.ContactId is not null) == byId).Chunk(MaxRecordsPerCall))
            {
                var records = new JsonArray([.. chunk.Select(p => (JsonNode)p.Payload.ToJson(options.ExternalIdField, Prefix(p.ContactId)))]);
                var body = new JsonObject { ["allOrNone"] = false, ["records"] = records }.ToJsonString();
                var response = await client.SendAsync(instance, options, instanceUrl => new HttpRequestMessage(HttpMethod.Patch, byId
                    ? SalesforcePaths.Resource(instanceUrl, options, "composite", "sobjects")
                    : SalesforcePaths.Resource(instanceUrl, options, "composite", "sobjects", "Contact", options.ExternalIdField))
                {
                    Content = new StringContent(body, Encoding.UTF8, MediaTypeNames.Application.Json),
                }, cancellationToken);
                Record(response, chunk, instance, results, transient, gone);
            }
        }
        // A Contact Salesforce no longer has: the ledger now knows it is gone, so a single write falls back to the upsert.
        foreach (var index in gone)
        {
            results[index] = await single.WriteAsync(changes[index].Customer, instance, options, cancellationToken);
        }
        if (transient.Count > 0)
        {
            throw new SyncTargetUnavailableException($"Salesforce reported transient errors on {transient.Count} Contact(s): {string.Join("; ", transient)}");
        }
        return [.. results.Select(r => r!)];
    }

    private void Record(
        SalesforceResponse response, (int Index, Guid Customer, ContactPayload Payload, string? ContactId)[] chunk,
        ConnectorInstance instance, SyncResult?[] results, List<string> transient, List<int> gone)
    {
        var items = response.IsSuccess ? Items(response.Body) : [];
        if (items.Count != chunk.Length)
        {
            var problem = $"Salesforce refused the batch ({(int)response.Status}): {SalesforceError.Describe(response.Errors, response.Body)}";
            foreach (var pending in chunk)
            {
                results[pending.Index] = SyncResult.Refused(problem);
            }
            return;
        }
        for (var i = 0; i < chunk.Length; i++)
        {
            var (index, customer, payload, contactId) = chunk[i];
            var item = items[i];
            var errors = item.TryGetProperty("errors", out var list) ? SalesforceError.ParseElement(list) : [];
            var id = Records.SalesforceId.Normalize(item.TryGetProperty("id", out var value) ? value.GetString() : null) ?? contactId;
            if (item.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.True && id is not null)
            {
                ledger.ContactWritten(instance.Id, customer, id, payload.Fingerprint);
                var created = item.TryGetProperty("created", out var c) && c.ValueKind == JsonValueKind.True;
                results[index] = SyncResults.Delivered(id, created ? $"Contact {id} created" : $"Contact {id} updated", created);
            }
            else if (contactId is not null && ContactWriter.IsGone(errors))
            {
                ledger.ContactGone(instance.Id, contactId);
                gone.Add(index);
            }
            else if (errors.Any(e => e.IsTransient))
            {
                transient.Add(SalesforceError.Describe(errors, "transient"));
            }
            else
            {
                results[index] = SyncResult.Refused($"Salesforce refused the Contact: {SalesforceError.Describe(errors, "no error given")}");
            }
        }
    }

    private static JsonObject Prefix(string? contactId)
    {
        var json = new JsonObject { ["attributes"] = new JsonObject { ["type"] = "Contact" } };
        if (contactId is not null)
        {
            json["id"] = contactId;
        }
        return json;
    }

    private static List<JsonElement> Items(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Array ? [.. json.RootElement.EnumerateArray().Select(e => e.Clone())] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
