using System.Globalization;
using System.Net;
using System.Text.Json;
using Hub.Integration.Tests.Connectors.Salesforce;
using Hub.Integration.Tests.Connectors.Twilio;
using Hub.Testing.Servers;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using StandardWebhooks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Privacy;

/// <summary>Consent from every source held everywhere, and erasure, through one running hub with WireMock Salesforce, Twilio and webhook target.</summary>
public sealed class ConsentAndErasureTests(PrivacyHub fixture, ITestOutputHelper output) : IClassFixture<PrivacyHub>, IDisposable
{
    // The runner prints a test's output only when it fails: then the hub's log and what Salesforce and crm2 received say why.
    private readonly int _logStart = fixture.Hub.Hub.Output.Length;

    private SalesforceHub Hub => fixture.Hub;

    public void Dispose()
    {
        output.WriteLine($"The hub's log during this test:{Environment.NewLine}{fixture.Hub.Hub.Output[_logStart..]}");
        foreach (var (system, server) in new[] { ("sf1", Hub.Org.Server), ("crm2", Hub.Target) })
        {
            foreach (var request in server.LogEntries.Select(e => e.RequestMessage!))
            {
                output.WriteLine($"{system} {request.DateTime:HH:mm:ss.fff} {request.Method} {request.Path} {request.Body}");
            }
        }
    }

    [Fact]
    public async Task A_customer_who_texted_stop_gets_no_sms_and_no_marketing_email_the_blocks_are_on_the_timeline_and_salesforce_gets_the_opt_outs()
    {
        var customerId = await fixture.KnownPersonAsync("stop-1", PrivacyHub.MailedCustomer, "+1 415 555 0188", "Sam Stopper");
        await EventuallyAsync(() => Hub.Org.ContactOf(customerId) is not null, "the Contact");

        await fixture.PostTwilioAsync(TwilioHub.InboundSms("SM00000000000000000000000000000901", "STOP", from: "%2B14155550188"));

        await EventuallyAsync(() => Hub.Org.ContactWritesOf(customerId, Hub.Org.ContactOf(customerId)).Any(r =>
                r.Body.Contains($"\"{PrivacyHub.SmsOptOutField}\":true", StringComparison.Ordinal)
                && r.Body.Contains("\"HasOptedOutOfEmail\":true", StringComparison.Ordinal)),
            "the SMS and e-mail opt-outs in Salesforce");
        foreach (var purpose in new[] { "marketing", "service" })
        {
            // The service text would be a reply (the customer just wrote), but STOP denied the whole channel.
            var (status, problem) = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{customerId}/messages",
                $$"""{"connectorInstanceId":"tw1","text":"Spring sale!","purpose":"{{purpose}}"}""");
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Contains("consent.sms", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        var (mailStatus, mailProblem) = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{customerId}/messages",
            $$"""{"connectorInstanceId":"{{PrivacyHub.MailInstance}}","text":"Spring sale: 20 % off every mug!","purpose":"marketing"}""");
        Assert.Equal(HttpStatusCode.Conflict, mailStatus);
        Assert.Contains("consent.*.marketing", mailProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // STOP refused what the customer did not ask for, not the service they expect: this one goes out, and once it
        // is in the mailbox, a marketing mail sent before it would have been there too.
        var (serviceStatus, _) = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{customerId}/messages",
            $$"""{"connectorInstanceId":"{{PrivacyHub.MailInstance}}","text":"Your order 10452 has shipped.","purpose":"service"}""");
        Assert.Equal(HttpStatusCode.OK, serviceStatus);
        using var inbox = await fixture.OpenInboxAsync(PrivacyHub.MailedCustomer);
        await EventuallyAsync(async () =>
        {
            await inbox.NoOpAsync();
            return inbox.Inbox.Count > 0;
        }, "the service e-mail in the customer's mailbox");
        var delivered = await inbox.Inbox.SearchAsync(MailKit.Search.SearchQuery.All);
        var only = await inbox.Inbox.GetMessageAsync(Assert.Single(delivered));
        Assert.Contains("order 10452 has shipped", only.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Spring sale", only.TextBody, StringComparison.Ordinal);

        Assert.Empty(fixture.Twilio.LogEntries);
        var smsBlocked = await fixture.EventuallyOnTimelineAsync(customerId, "sms.blocked");
        Assert.Contains("consent.sms", smsBlocked.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var emailBlocked = await fixture.EventuallyOnTimelineAsync(customerId, "email.blocked");
        Assert.Contains("consent.*.marketing", emailBlocked.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consent_from_the_api_and_from_segment_traits_is_validated_kept_with_its_source_and_synced_back()
    {
        var customerId = await fixture.KnownPersonAsync("consent-1", "carla.consent@example.com", "+1 415 555 0199", "Carla Consent");
        foreach (var bad in new[] { """{"channel":"fax","status":"denied"}""", """{"channel":"email","status":"maybe"}""", """{"channel":"email","purpose":"spam","status":"denied"}""", """{"status":"denied"}""", """{"purpose":"spam","status":"denied"}""", """{"purpose":"marketing","status":"maybe"}""", "null" })
        {
            var (status, problem) = await fixture.SendJsonAsync(HttpMethod.Put, $"api/customers/{customerId}/consent", bad);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendJsonAsync(HttpMethod.Put, $"api/customers/{Guid.NewGuid()}/consent", """{"channel":"email","status":"denied"}""")).Status);
        using (var invalidTrait = await new SignedWebhookSender(Hub.Client, "crm1", SignedWebhookSender.ExampleSecret).SendAsync(
            """{"type":"identify","messageId":"consent-bad","userId":"consent-1-user","traits":{"consent":{"sms":"perhaps"}}}"""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalidTrait.StatusCode);
        }

        var (accepted, _) = await fixture.SendJsonAsync(HttpMethod.Put, $"api/customers/{customerId}/consent", """{"channel":"email","purpose":"marketing","status":"denied"}""");
        Assert.Equal(HttpStatusCode.Accepted, accepted);
        var (everywhere, accepted2) = await fixture.SendJsonAsync(HttpMethod.Put, $"api/customers/{customerId}/consent", """{"purpose":"service","status":"granted"}""");
        Assert.Equal(HttpStatusCode.Accepted, everywhere);
        Assert.Equal("consent.*.service", accepted2.GetProperty("fact").GetString());
        await Hub.SendSegmentAsync("""{"type":"identify","messageId":"consent-2","userId":"consent-1-user","traits":{"email":"carla.consent@example.com","consent":{"sms":{"marketing":false}}}}""");

        JsonElement consent = default;
        await EventuallyAsync(async () =>
        {
            consent = (await fixture.SendJsonAsync(HttpMethod.Get, $"api/customers/{customerId}/consent")).Body;
            return consent.ValueKind == JsonValueKind.Array && consent.GetArrayLength() == 3;
        }, "the three consent statements on the customer");
        Assert.Equal("granted", consent.EnumerateArray().Single(c => c.GetProperty("fact").GetString() == "consent.*.service").GetProperty("status").GetString());
        var email = consent.EnumerateArray().Single(c => c.GetProperty("fact").GetString() == "consent.email.marketing");
        Assert.Equal("denied", email.GetProperty("status").GetString());
        Assert.StartsWith("api:", email.GetProperty("source").GetString(), StringComparison.Ordinal);
        var sms = consent.EnumerateArray().Single(c => c.GetProperty("fact").GetString() == "consent.sms.marketing");
        Assert.Equal(("denied", "crm1"), (sms.GetProperty("status").GetString(), sms.GetProperty("source").GetString()));
        await EventuallyAsync(() => Hub.Org.ContactWritesOf(customerId, Hub.Org.ContactOf(customerId))
            .Any(r => r.Body.Contains("\"HasOptedOutOfEmail\":true", StringComparison.Ordinal)), "the e-mail opt-out in Salesforce");
        await EventuallyAsync(() => Hub.Target.LogEntries.Select(e => e.RequestMessage!.Body ?? "")
            .Any(b => b.Contains(customerId.ToString(), StringComparison.Ordinal) && b.Contains("\"consent.email.marketing\":{\"value\":\"denied\"", StringComparison.Ordinal)),
            "the consent in the webhook target's customer payload");
    }

    [Fact]
    public async Task A_consent_statement_with_its_own_time_does_not_override_a_newer_one_and_a_retry_is_one_statement()
    {
        var customerId = await fixture.KnownPersonAsync("consent-3", "dora.stated@example.com", "+1 415 555 0122", "Dora Stated");
        var path = $"api/customers/{customerId}/consent";
        var (misspelt, misspeltProblem) = await fixture.SendJsonAsync(HttpMethod.Put, path, """{"channel":"email","purpose":"marketing","status":"denied","stated_at":"2026-01-01T00:00:00Z"}""");
        Assert.Equal(HttpStatusCode.BadRequest, misspelt);
        Assert.Contains("'stated_at'", misspeltProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var future = DateTimeOffset.UtcNow.AddDays(1).ToString("O", CultureInfo.InvariantCulture);
        var (tooLate, tooLateProblem) = await fixture.SendJsonAsync(HttpMethod.Put, path, $$"""{"channel":"email","purpose":"marketing","status":"denied","statedAt":"{{future}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, tooLate);
        Assert.Contains("'statedAt' is in the future", tooLateProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var (newer, newerBody) = await fixture.SendJsonAsync(HttpMethod.Put, path, """{"channel":"email","purpose":"marketing","status":"granted","statedAt":"2026-03-01T10:00:00+01:00"}""");
        Assert.Equal(HttpStatusCode.Accepted, newer);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero), newerBody.GetProperty("statedAt").GetDateTimeOffset());
        var (retry, retryBody) = await fixture.SendJsonAsync(HttpMethod.Put, path, """{"channel":"email","purpose":"marketing","status":"granted","statedAt":"2026-03-01T09:00:00Z"}""");
        Assert.Equal(HttpStatusCode.Accepted, retry);
        Assert.Equal(newerBody.GetProperty("touchpointId").GetGuid(), retryBody.GetProperty("touchpointId").GetGuid());
        var (older, _) = await fixture.SendJsonAsync(HttpMethod.Put, path, """{"channel":"email","purpose":"marketing","status":"denied","statedAt":"2026-02-01T09:00:00Z"}""");
        Assert.Equal(HttpStatusCode.Accepted, older);

        JsonElement email = default;
        await EventuallyAsync(async () =>
        {
            var consent = (await fixture.SendJsonAsync(HttpMethod.Get, path)).Body;
            email = consent.ValueKind == JsonValueKind.Array
                ? consent.EnumerateArray().SingleOrDefault(c => c.GetProperty("fact").GetString() == "consent.email.marketing")
                : default;
            return email.ValueKind == JsonValueKind.Object && email.GetProperty("statements").GetArrayLength() == 2;
        }, "both statements on the customer");
        Assert.Equal("granted", email.GetProperty("status").GetString());
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero), email.GetProperty("statedAt").GetDateTimeOffset());
        var granted = email.GetProperty("statements").EnumerateArray().Single(s => s.GetProperty("status").GetString() == "granted");
        Assert.Equal(1, granted.GetProperty("timesStated").GetInt32());
    }

    [Fact]
    public async Task Erasure_forgets_the_person_here_and_in_every_system_and_an_old_event_does_not_bring_them_back()
    {
        const string Email = "erin.erasmus@example.com";
        const string Name = "Erin Erasmusson";
        var identify = PrivacyHub.Identify("erase-1", Email, "+1 415 555 0177", Name);
        var customerId = await fixture.KnownPersonAsync("erase-1", Email, "+1 415 555 0177", Name);
        await EventuallyAsync(() => Hub.Org.ContactOf(customerId) is not null, "the Contact");
        var contactId = Hub.Org.ContactOf(customerId)!;
        await EventuallyAsync(async () => IdentifierOf(Assert.Single(await Hub.FindAsync("email=erin.erasmus%40example.com")), "salesforce:contact") == contactId,
            "the Contact id on the customer");
        await EventuallyAsync(() => Hub.Target.LogEntries.Any(e => (e.RequestMessage!.Body ?? "").Contains(customerId.ToString(), StringComparison.Ordinal)), "the customer at crm2");

        var (exported, export) = await fixture.SendJsonAsync(HttpMethod.Get, $"api/customers/{customerId}/export");
        Assert.Equal(HttpStatusCode.OK, exported);
        Assert.Equal(Name, export.GetProperty("customer").GetProperty("fields").GetProperty("name").GetProperty("value").GetString());
        Assert.Contains(export.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("type").GetString() == "profile.identified");
        Assert.Contains(export.GetProperty("fieldStatements").EnumerateArray(), s => s.GetProperty("value").GetString() == Name);

        Hub.Target.ResetMappings();
        Hub.Target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        var (status, erasure) = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{customerId}/erasure");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(["crm2", "sf1"], erasure.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("connectorInstanceId").GetString()!).ToList());
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendJsonAsync(HttpMethod.Get, $"api/customers/{customerId}")).Status);

        await EventuallyAsync(() => Hub.Org.Requests("DELETE", $"{SalesforceOrg.Api}/sobjects/Contact/{contactId}").Count == 1, "the Contact's deletion");
        await EventuallyAsync(async () => Target(await ErasureAsync(customerId), "crm2") is { } crm2
            && crm2.GetProperty("status").GetString() == "retrying" && crm2.GetProperty("lastError").GetString()!.Contains("503", StringComparison.Ordinal),
            "crm2 retrying after its 503");

        Hub.Target.ResetMappings();
        Hub.Target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await EventuallyAsync(async () => (await ErasureAsync(customerId)).GetProperty("status").GetString() == "done", "the erasure done everywhere");
        // The same signed message each time: refused while crm2 was down, taken once it was back.
        var deliveries = Hub.Target.LogEntries.Select(e => e.RequestMessage!)
            .Where(r => (r.Body ?? "").Contains("customer.erased", StringComparison.Ordinal) && r.Body!.Contains(customerId.ToString(), StringComparison.Ordinal)).ToList();
        Assert.True(deliveries.Count >= 2);
        Assert.Single(deliveries.Select(r => r.Headers!["webhook-id"][0]).Distinct());
        var erased = deliveries[^1];
        var headers = new HeaderDictionary();
        foreach (var (name, values) in erased.Headers!)
        {
            headers[name] = values.ToArray();
        }
        new StandardWebhook(SalesforceHub.TargetSecret).Verify(erased.Body!, headers);
        Assert.Equal(customerId, JsonDocument.Parse(erased.Body!).RootElement.GetProperty("data").GetProperty("customerId").GetGuid());
        var done = await ErasureAsync(customerId);
        Assert.False(string.IsNullOrEmpty(done.GetProperty("requestedBy").GetString()));
        Assert.True(Target(done, "crm2")!.Value.GetProperty("attempts").GetInt32() >= 2);
        Assert.Equal("done", Target(done, "sf1")!.Value.GetProperty("status").GetString());
        // The Segment user id too: the systems, once done, no longer need the identifiers they knew the person by.
        await AssertNoTraceAsync(Email, "14155550177", Name, "Erasmusson", "erase-1-user");

        // The old identify again (same messageId, its own timestamp), beside a newcomer's: only the newcomer lands.
        await Hub.SendSegmentAsync($$"""{"batch":[{{identify}},{{PrivacyHub.Identify("erase-marker", "newcomer@example.com", "+1 415 555 0166", "New Comer")}}]}""");
        await fixture.CustomerIdAsync("email=newcomer%40example.com");
        Assert.Empty(await Hub.FindAsync("email=erin.erasmus%40example.com"));
        await AssertNoTraceAsync(Email, "14155550177", Name, "Erasmusson");
    }

    [Fact]
    public async Task Touchpoints_on_their_way_to_Salesforce_when_the_person_is_erased_do_not_outlive_the_erasure()
    {
        var customerId = await fixture.KnownPersonAsync("erase-2", "tia.texter@example.com", "+1 415 555 0144", "Tia Texter");
        await EventuallyAsync(() => Hub.Org.ContactOf(customerId) is not null, "the Contact");
        var contactId = Hub.Org.ContactOf(customerId)!;
        // The first text's Task waits 3 s on Salesforce's Retry-After: that push is under way when the erasure comes,
        // and the second text is queued behind it.
        Hub.Org.AsksToWaitOnTheNextTask(TimeSpan.FromSeconds(3));
        await fixture.PostTwilioAsync(TwilioHub.InboundSms("SM00000000000000000000000000000911", "first text", from: "%2B14155550144"));
        await EventuallyAsync(() => TaskWrites("first text").Count == 1, "the first text's Task attempt, answered 503");
        await fixture.PostTwilioAsync(TwilioHub.InboundSms("SM00000000000000000000000000000912", "second text", from: "%2B14155550144"));
        await EventuallyAsync(async () => (await TimelineTypesAsync(customerId)).Count(t => t.StartsWith("sms.", StringComparison.Ordinal)) == 2, "both texts on the timeline");

        var (status, _) = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{customerId}/erasure");
        Assert.Equal(HttpStatusCode.Accepted, status);

        await EventuallyAsync(async () => Target(await ErasureAsync(customerId), "sf1")?.GetProperty("status").GetString() == "done", "the erasure done at sf1");
        await EventuallyAsync(() => fixture.Hub.Hub.Output[_logStart..].Contains($"not handed to sync target sf1: customer {customerId} was erased", StringComparison.Ordinal),
            "the second text not handed to Salesforce");
        Assert.Empty(TaskWrites("second text"));
        Assert.DoesNotContain(Hub.Org.Requests("POST", SalesforceOrg.ContactPath), r => r.Body.Contains(customerId.ToString(), StringComparison.Ordinal));
        // The first text's Task, checked before the erasure, went in before the Contact was deleted (Salesforce deletes
        // a Contact's Tasks with it), not after.
        var requests = Hub.Org.Server.LogEntries.Select(e => e.RequestMessage!).ToList();
        var deletion = requests.FindIndex(r => r.Method == "DELETE" && r.Path == $"{SalesforceOrg.ContactPath}/{contactId}");
        var lastTask = requests.FindLastIndex(r => r.Method == "POST" && r.Path == SalesforceOrg.TaskPath && (r.Body ?? "").Contains("first text", StringComparison.Ordinal));
        Assert.True(deletion > lastTask, $"The Contact was deleted (request {deletion}) before the first text's Task was written (request {lastTask}).");
        Assert.Equal(2, TaskWrites("first text").Count);
    }

    [Fact]
    public async Task A_Contact_of_an_erased_person_undeleted_in_Salesforce_does_not_bring_them_back()
    {
        // The erasure DELETEs the Contact, which Salesforce keeps in its Recycle Bin; a user can undelete it and edit it.
        var customerId = await fixture.KnownPersonAsync("erase-3", "uma.undelete@example.com", "+1 415 555 0133", "Uma Undeleted");
        await EventuallyAsync(() => Hub.Org.ContactOf(customerId) is not null, "the Contact");
        var contactId = Hub.Org.ContactOf(customerId)!;
        await EventuallyAsync(async () => IdentifierOf(Assert.Single(await Hub.FindAsync("email=uma.undelete%40example.com")), "salesforce:contact") == contactId,
            "the Contact id on the customer");
        Assert.Equal(HttpStatusCode.Accepted, (await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{customerId}/erasure")).Status);
        await EventuallyAsync(async () => Target(await ErasureAsync(customerId), "sf1")?.GetProperty("status").GetString() == "done", "the erasure done at sf1");

        // After the erasure: the Contact undeleted, then edited, and beside them a newcomer's Contact created.
        var after = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeMilliseconds();
        await Hub.PostChangeEventAsync($"[{ContactEvent("UNDELETE", contactId, "uma.undelete@example.com", "Undeleted", after, 1)},"
            + $"{ContactEvent("UPDATE", contactId, "uma.undelete@example.com", "Undeleted", after + 1000, 2)},"
            + $"{ContactEvent("CREATE", "0035g00000Ux9Nw", "noah.newcomer@example.com", "Newcomer", after + 2000, 3)}]");

        await fixture.CustomerIdAsync("email=noah.newcomer%40example.com");
        Assert.Empty(await Hub.FindAsync("email=uma.undelete%40example.com"));
        await AssertNoTraceAsync("uma.undelete@example.com", "14155550133", "Undeleted");
    }

    /// <summary>A Contact change event by a Salesforce user (not the hub), carrying e-mail and name, at <paramref name="commitTimestamp"/>.</summary>
    private static string ContactEvent(string changeType, string contactId, string email, string lastName, long commitTimestamp, int sequence)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(SalesforceOrg.Sample("cdc-contact-create.json"))!["data"]!["payload"]!;
        var header = json["ChangeEventHeader"]!;
        header["recordIds"] = new System.Text.Json.Nodes.JsonArray(contactId);
        header["changeType"] = changeType;
        header["transactionKey"] = $"undelete-test-{sequence}";
        header["commitTimestamp"] = commitTimestamp;
        header["changedFields"] = changeType == "UPDATE" ? new System.Text.Json.Nodes.JsonArray("Email", "Name.LastName") : [];
        json["Name"] = new System.Text.Json.Nodes.JsonObject { ["FirstName"] = "Uma", ["LastName"] = lastName };
        json["Email"] = email;
        json.AsObject().Remove("Phone");
        json.AsObject().Remove("MobilePhone");
        return json.ToJsonString();
    }

    private List<SentRequest> TaskWrites(string text) =>
        [.. Hub.Org.Requests("POST", SalesforceOrg.TaskPath).Where(r => r.Body.Contains(text, StringComparison.Ordinal))];

    private async Task<List<string>> TimelineTypesAsync(Guid customerId)
    {
        var (_, timeline) = await fixture.SendJsonAsync(HttpMethod.Get, $"api/customers/{customerId}/timeline");
        return [.. timeline.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("type").GetString()!)];
    }

    private async Task<JsonElement> ErasureAsync(Guid customerId) =>
        (await fixture.SendJsonAsync(HttpMethod.Get, $"api/customers/{customerId}/erasure")).Body;

    private static JsonElement? Target(JsonElement erasure, string instance) =>
        erasure.GetProperty("targets").EnumerateArray().Where(t => t.GetProperty("connectorInstanceId").GetString() == instance).Select(t => (JsonElement?)t).FirstOrDefault();

    /// <summary>Every text column of every table of the hub's database, searched for each needle.</summary>
    private async Task AssertNoTraceAsync(params string[] needles)
    {
        await using var connection = new SqliteConnection($"Data Source={Hub.Embedded!.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                select m.name, p.name from sqlite_master m join pragma_table_info(m.name) p
                where m.type = 'table' and (p.type = 'TEXT' or p.type = '' or p.type like '%CHAR%' or p.type = 'BLOB')
                """;
            await using var reader = await command.ExecuteReaderAsync();
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
                await using var command = connection.CreateCommand();
                command.CommandText = $"""select count(*) from "{table}" where instr(cast("{column}" as text), $needle) > 0""";
                command.Parameters.AddWithValue("$needle", needle);
                if (Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0)
                {
                    found.Add($"{table}.{column} holds '{needle}'");
                }
            }
        }
        Assert.Empty(found);
    }
}
