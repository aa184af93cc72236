using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Connectors.Salesforce;
using Npgsql;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Privacy;

/// <summary>Erasure in production mode: the same removal on PostgreSQL, the erasures to the systems over RabbitMQ's hub.</summary>
public sealed class BrokerErasureTests : IAsyncLifetime
{
    private SalesforceHub _hub = null!;

    public async Task InitializeAsync()
    {
        _hub = await StartOnBrokerAsync();
        _hub.Org.Server.Given(Request.Create().WithPath(SalesforceOrg.Api + "/sobjects/Contact/*").UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(204));
    }

    [Fact]
    public async Task On_PostgreSQL_an_erased_person_leaves_no_trace_in_any_table_and_every_system_is_told()
    {
        await _hub.SendSegmentAsync(PrivacyHub.Identify("pg-erase-1", "petra.purge@example.com", "+1 415 555 0155", "Petra Purgatorio"));
        await EventuallyAsync(async () => (await _hub.FindAsync("email=petra.purge%40example.com")).Count == 1, "the customer");
        var customerId = Assert.Single(await _hub.FindAsync("email=petra.purge%40example.com")).GetProperty("id").GetGuid();
        await EventuallyAsync(() => _hub.Org.ContactOf(customerId) is not null, "the Contact");
        var contactId = _hub.Org.ContactOf(customerId)!;
        await EventuallyAsync(async () => IdentifierOf(Assert.Single(await _hub.FindAsync("email=petra.purge%40example.com")), "salesforce:contact") == contactId,
            "the Contact id on the customer");

        using (var response = await _hub.Client.PostAsync(new Uri($"api/customers/{customerId}/erasure", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await EventuallyAsync(async () => (await _hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/erasure", UriKind.Relative)))
            .GetProperty("status").GetString() == "done", "the erasure done everywhere");
        Assert.Single(_hub.Org.Requests("DELETE", $"{SalesforceOrg.Api}/sobjects/Contact/{contactId}"));
        Assert.Contains(_hub.Target.LogEntries, e => (e.RequestMessage!.Body ?? "").Contains("customer.erased", StringComparison.Ordinal));
        Assert.Empty(await TracesAsync("petra.purge@example.com", "14155550155", "Petra Purgatorio", "Purgatorio"));
    }

    private async Task<List<string>> TracesAsync(params string[] needles)
    {
        await using var connection = new NpgsqlConnection(_hub.PostgresConnectionString);
        await connection.OpenAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var command = new NpgsqlCommand("""
            select table_name, column_name from information_schema.columns
            where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json', 'bytea')
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        Assert.Contains(columns, c => c.Table == "timeline" && c.Column == "Body");
        var found = new List<string>();
        foreach (var (table, column) in columns)
        {
            foreach (var needle in needles)
            {
                await using var command = new NpgsqlCommand($"""select count(*) from "{table}" where strpos("{column}"::text, @needle) > 0""", connection);
                command.Parameters.AddWithValue("needle", needle);
                if ((long)(await command.ExecuteScalarAsync())! > 0)
                {
                    found.Add($"{table}.{column} holds '{needle}'");
                }
            }
        }
        return found;
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();
}
