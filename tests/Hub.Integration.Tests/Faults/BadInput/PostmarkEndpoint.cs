namespace Hub.Integration.Tests.Faults.BadInput;

/// <summary>Postmark's inbound webhook: one message as JSON, with the basic-auth credentials of the webhook URL.</summary>
internal sealed class PostmarkEndpoint() : FuzzedEndpoint(Id)
{
    public const string Id = "postmark1";
    private const string Json = "application/json";

    private static readonly byte[] Message = Sample("email", "postmark-inbound.json");

    public override HttpRequestMessage Valid() => Authenticated("valid", Message, Json, 200).ToRequest();

    protected override BadWebhook Forged(Random random)
    {
        var (kind, headers) = ParseCredentials.Forged(random);
        return new BadWebhook(InstanceId, $"forged: {kind}", Message, Json, 401) { Headers = headers };
    }

    protected override BadWebhook Malformed(Random random)
    {
        var (how, body) = Mutations.BreakJson(random, Message);
        return Authenticated($"malformed: {how}", body, Json, 400);
    }

    protected override BadWebhook WrongContentType(Random random, string contentType) => Authenticated("wrong content type", Message, contentType, 415);

    protected override BadWebhook Authenticated(string kind, byte[] body, string contentType, int expectedStatus) =>
        new(InstanceId, kind, body, contentType, expectedStatus) { Headers = ParseCredentials.Valid() };
}
