using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.Connectors.Salesforce;

/// <summary>
/// One Salesforce org played by WireMock on loopback, answering in the documented shapes from
/// shared/formats/salesforce: the token endpoint (its instance_url pointing back here), Contact upserts by the
/// external id (201 as upsert-created-201.json, a new Contact id per customer), updates by Contact id (204),
/// sObject Collections (one result per record, or the sample's three results when asked to), Task creation (201), and
/// Contact creation and reads by the external id, which it holds unique as the setup guide asks (a second Contact
/// with a customer's id is refused with DUPLICATE_VALUE).
/// </summary>
internal sealed class SalesforceOrg : IDisposable
{
    public const string OrgId = "00D5g000004SdQn";
    public const string IntegrationUser = "0055g00000DkRw2AAF";
    public const string EndpointSecret = "k7Qm2xVb9Rt4Lp8Zw3Nc";
    public const string Api = "/services/data/v66.0";
    public const string UpsertPath = Api + "/sobjects/Contact/Hub_Customer_Id__c/";
    public const string CollectionsUpsertPath = Api + "/composite/sobjects/Contact/Hub_Customer_Id__c";
    public const string TaskPath = Api + "/sobjects/Task";
    public const string ContactPath = Api + "/sobjects/Contact";

    private readonly ConcurrentDictionary<string, string> _contacts = new(StringComparer.Ordinal);
    private int _tasks;
    private int _nextContact;

    public SalesforceOrg()
    {
        Server = WireMockServer.Start();
        var token = JsonNode.Parse(Sample("oauth-token-response.json"))!;
        token["instance_url"] = Server.Url;
        Server.Given(Request.Create().WithPath("/services/oauth2/token").UsingPost()).RespondWith(Json(200, token.ToJsonString()));
        Server.Given(Request.Create().WithPath(UpsertPath + "*").UsingMethod("PATCH")).AtPriority(1)
            .RespondWith(Json(201, r => Created(ContactFor(r.Path[UpsertPath.Length..]))));
        Server.Given(Request.Create().WithPath(Api + "/sobjects/Contact/*").UsingMethod("PATCH")).AtPriority(2)
            .RespondWith(Response.Create().WithStatusCode(204));
        Server.Given(Request.Create().WithPath(CollectionsUpsertPath).UsingMethod("PATCH")).AtPriority(2)
            .RespondWith(Json(200, r => Results(r, record => ContactFor(record["Hub_Customer_Id__c"]!.GetValue<string>()))));
        Server.Given(Request.Create().WithPath(Api + "/composite/sobjects").UsingMethod("PATCH"))
            .RespondWith(Json(200, r => Results(r, record => record["id"]!.GetValue<string>())));
        Server.Given(Request.Create().WithPath(ContactPath).UsingPost()).RespondWith(Response.Create().WithCallback(CreateContact));
        Server.Given(Request.Create().WithPath(UpsertPath + "*").UsingGet()).RespondWith(Response.Create().WithCallback(ReadContact));
        Server.Given(Request.Create().WithPath(TaskPath).UsingPost())
            .RespondWith(Json(201, _ => $$"""{"id":"{{Id18($"00T5g00000Tk{Interlocked.Increment(ref _tasks):000}")}}","success":true,"errors":[]}"""));
    }

    public WireMockServer Server { get; }

    /// <summary>From now on, sObject Collections upserts are answered with the sample's three results (an update, a create, a refusal).</summary>
    public void AnswersCollectionsWithTheSample() =>
        Server.Given(Request.Create().WithPath(CollectionsUpsertPath).UsingMethod("PATCH")).AtPriority(1)
            .RespondWith(Json(200, Sample("collections-upsert-response.json")));

    /// <summary>The next Contact upsert is answered 503 with a Retry-After, as a busy org does; the ones after it as usual.</summary>
    public void AsksToWaitOnTheNextUpsert(TimeSpan retryAfter) =>
        Server.Given(Request.Create().WithPath(UpsertPath + "*").UsingMethod("PATCH")).AtPriority(0)
            .InScenario("busy").WillSetStateTo("answered")
            .RespondWith(Response.Create().WithStatusCode(503)
                .WithHeader("Retry-After", ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithHeader("Content-Type", "application/json")
                .WithBody("""[{"message":"Server is temporarily unavailable.","errorCode":"SERVER_UNAVAILABLE"}]"""));

    /// <summary>The next Task creation is answered 503 with a Retry-After, as a busy org does; the ones after it as usual.</summary>
    public void AsksToWaitOnTheNextTask(TimeSpan retryAfter) =>
        Server.Given(Request.Create().WithPath(TaskPath).UsingPost()).AtPriority(0)
            .InScenario("busy-task").WillSetStateTo("answered")
            .RespondWith(Response.Create().WithStatusCode(503)
                .WithHeader("Retry-After", ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithHeader("Content-Type", "application/json")
                .WithBody("""[{"message":"Server is temporarily unavailable.","errorCode":"SERVER_UNAVAILABLE"}]"""));

    /// <summary>
    /// The Contact is deleted in Salesforce (by a user, or merged away): a write by its id is answered 404
    /// <c>ENTITY_IS_DELETED</c>, and an upsert by its customer's external id creates a new Contact.
    /// </summary>
    public void Deletes(string contactId)
    {
        foreach (var (customerId, _) in _contacts.Where(c => c.Value == contactId))
        {
            _contacts.TryRemove(customerId, out _);
        }
        Server.Given(Request.Create().WithPath($"{ContactPath}/{contactId}").UsingMethod("PATCH")).AtPriority(0)
            .RespondWith(Json(404, """[{"errorCode":"ENTITY_IS_DELETED","message":"entity is deleted","fields":[]}]"""));
    }

    public IReadOnlyDictionary<string, string> Settings(string instanceId) => new Dictionary<string, string>
    {
        [$"Hub:Connectors:{instanceId}:Kind"] = "salesforce",
        [$"Hub:Connectors:{instanceId}:OrganizationId"] = OrgId,
        [$"Hub:Connectors:{instanceId}:InstanceUrl"] = Server.Url!,
        [$"Hub:Connectors:{instanceId}:ClientId"] = "3MVG9-hub-consumer-key",
        [$"Hub:Connectors:{instanceId}:ClientSecret"] = "hub-consumer-secret",
        [$"Hub:Connectors:{instanceId}:EndpointSecret"] = EndpointSecret,
    };

    public IReadOnlyList<SentRequest> Requests(string method, string pathPrefix) =>
        [.. Server.LogEntries.Select(e => e.RequestMessage).OfType<WireMock.IRequestMessage>()
            .Where(r => r.Method == method && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal))
            .Select(r => new SentRequest(r))];

    /// <summary>Every Contact write (single or collections) that names the customer or its Contact.</summary>
    public IReadOnlyList<SentRequest> ContactWritesOf(Guid customerId, string? contactId) =>
        [.. Requests("PATCH", Api).Where(r => r.Path.Contains(customerId.ToString(), StringComparison.Ordinal)
            || r.Body.Contains(customerId.ToString(), StringComparison.Ordinal)
            || (contactId is not null && (r.Path.Contains(contactId, StringComparison.Ordinal) || r.Body.Contains(contactId, StringComparison.Ordinal))))];

    /// <summary>The Contact id this org gave the customer on its first upsert; null before.</summary>
    public string? ContactOf(Guid customerId) => _contacts.GetValueOrDefault(customerId.ToString());

    public static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "formats", "salesforce", name));

    /// <summary>The 18-character form of a 15-character id (each suffix character encodes the case of five).</summary>
    public static string Id18(string id15)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
        var suffix = new char[3];
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var bits = 0;
            for (var i = 0; i < 5; i++)
            {
                bits |= char.IsAsciiLetterUpper(id15[(chunk * 5) + i]) ? 1 << i : 0;
            }
            suffix[chunk] = alphabet[bits];
        }
        return id15 + new string(suffix);
    }

    public void Dispose() => Server.Dispose();

    private string ContactFor(string customerId) => _contacts.GetOrAdd(customerId, _ => NewContactId());

    private string NewContactId() => Id18($"0035g00000Hb{Interlocked.Increment(ref _nextContact) - 1:000}");

    private ResponseMessage CreateContact(WireMock.IRequestMessage request)
    {
        var customerId = JsonNode.Parse(request.Body!)!["Hub_Customer_Id__c"]!.GetValue<string>();
        var id = NewContactId();
        return _contacts.TryAdd(customerId, id)
            ? Answer(201, $$"""{"id":"{{id}}","success":true,"errors":[]}""")
            : Answer(400, $$"""[{"message":"duplicate value found: Hub_Customer_Id__c duplicates value on record with id: {{_contacts[customerId]}}","errorCode":"DUPLICATE_VALUE","fields":[]}]""");
    }

    private ResponseMessage ReadContact(WireMock.IRequestMessage request) =>
        _contacts.TryGetValue(request.Path[UpsertPath.Length..], out var id)
            ? Answer(200, $$"""{"attributes":{"type":"Contact","url":"{{Api}}/sobjects/Contact/{{id}}"},"Id":"{{id}}"}""")
            : Answer(404, """[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]""");

    private static ResponseMessage Answer(int status, string body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new WireMock.Util.BodyData { BodyAsString = body, DetectedBodyType = WireMock.Types.BodyType.String },
    };

    private static string Results(WireMock.IRequestMessage request, Func<JsonNode, string> id) =>
        new JsonArray([.. JsonNode.Parse(request.Body!)!["records"]!.AsArray()
            .Select(record => (JsonNode)new JsonObject { ["id"] = id(record!), ["success"] = true, ["errors"] = new JsonArray() })]).ToJsonString();

    private static string Created(string contactId)
    {
        var body = JsonNode.Parse(Sample("upsert-created-201.json"))!;
        body["id"] = contactId;
        return body.ToJsonString();
    }

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    private static IResponseBuilder Json(int status, Func<WireMock.IRequestMessage, string> body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
}

/// <summary>What a test reads of a request the org received.</summary>
internal sealed record SentRequest(WireMock.IRequestMessage Message)
{
    public string Path => Message.Path;

    public string Body => Message.Body ?? "";

    public JsonNode Json => JsonNode.Parse(Body)!;
}
