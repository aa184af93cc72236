using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Connectors.Webhooks.Signing;
using Hub.Contracts.Connectors;
using static Hub.Connectors.Webhooks.Tests.WebhooksTestKit;

namespace Hub.Connectors.Webhooks.Tests.Signing;

/// <summary>Every vector of shared/formats/webhooks/standard-webhooks-vectors.json, with the clock at the vector's time.</summary>
public sealed class StandardWebhookVectorsTests
{
    private static readonly JsonElement Vectors = LoadVectors();

    public static TheoryData<string> ValidVectors => Names("valid");

    public static TheoryData<string> InvalidVectors => Names("invalid");

    public static TheoryData<long, bool> ToleranceCases
    {
        get
        {
            var cases = new TheoryData<long, bool>();
            foreach (var c in Vectors.GetProperty("timestamp_tolerance").EnumerateArray())
            {
                Assert.Equal("reference-libraries-sign", c.GetProperty("vector").GetString());
                cases.Add(c.GetProperty("now").GetInt64(), c.GetProperty("expected_result").GetString() == "valid");
            }
            return cases;
        }
    }

    [Fact]
    public void The_vector_file_has_all_the_cases_it_documents()
    {
        Assert.Equal(4, ValidVectors.Count);
        Assert.Equal(10, InvalidVectors.Count);
        Assert.Equal(4, ToleranceCases.Count);
    }

    [Theory]
    [MemberData(nameof(ValidVectors))]
    public void Valid_vector_verifies(string name)
    {
        var vector = Vector("valid", name);

        var problem = StandardWebhookVerifier.Problem(RequestFor(vector), OptionsFor(vector));

        Assert.Null(problem);
    }

    [Theory]
    [MemberData(nameof(InvalidVectors))]
    public void Invalid_vector_does_not_verify(string name)
    {
        var vector = Vector("invalid", name);

        var problem = StandardWebhookVerifier.Problem(RequestFor(vector), OptionsFor(vector));

        Assert.NotNull(problem);
        Assert.Contains("No webhook-signature entry matches", problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InvalidVectors))]
    public void Invalid_vector_verifies_once_it_carries_the_signature_of_its_own_inputs(string name)
    {
        // Proves the negative vectors fail for the reason they document, not because verification always fails.
        var vector = Vector("invalid", name);
        var correct = vector.GetProperty("signature_for_these_inputs").GetString()!;

        var problem = StandardWebhookVerifier.Problem(RequestFor(vector, signatureHeader: correct), OptionsFor(vector));

        Assert.Null(problem);
    }

    [Theory]
    [InlineData("reference-libraries-sign")]
    [InlineData("rust-library-sign")]
    [InlineData("unpadded-base64-secret")]
    public void Signing_reproduces_the_vector_signature(string name)
    {
        var vector = Vector("valid", name);
        Assert.True(StandardWebhookSignature.TryDecodeSecret(vector.GetProperty("secret").GetString()!, out var key));

        var header = StandardWebhookSignature.Sign(
            key,
            vector.GetProperty("msg_id").GetString()!,
            vector.GetProperty("timestamp").GetInt64(),
            Encoding.UTF8.GetBytes(vector.GetProperty("payload").GetString()!));

        Assert.Equal(vector.GetProperty("webhook_signature_header").GetString(), header);
        Assert.Equal(vector.GetProperty("key_hex").GetString(), Convert.ToHexStringLower(key));
    }

    [Theory]
    [MemberData(nameof(InvalidVectors))]
    public void Signing_the_inputs_of_an_invalid_vector_gives_its_documented_signature(string name)
    {
        var vector = Vector("invalid", name);
        Assert.True(StandardWebhookSignature.TryDecodeSecret(vector.GetProperty("secret").GetString()!, out var key));

        var header = StandardWebhookSignature.Sign(
            key,
            vector.GetProperty("msg_id").GetString()!,
            vector.GetProperty("timestamp").GetInt64(),
            Encoding.UTF8.GetBytes(vector.GetProperty("payload").GetString()!));

        Assert.Equal(vector.GetProperty("signature_for_these_inputs").GetString(), header);
    }

    [Theory]
    [MemberData(nameof(ToleranceCases))]
    public void Timestamp_is_accepted_up_to_300_seconds_either_way(long now, bool valid)
    {
        var vector = Vector("valid", "reference-libraries-sign");

        var problem = StandardWebhookVerifier.Problem(
            RequestFor(vector, receivedAt: DateTimeOffset.FromUnixTimeSeconds(now)), OptionsFor(vector));

        if (valid)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.NotNull(problem);
            Assert.Contains("at most 300 s are accepted", problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(60, false)]
    [InlineData(61, true)]
    [InlineData(-60, false)]
    [InlineData(-61, true)]
    public void Configured_tolerance_replaces_the_default(int ageSeconds, bool rejected)
    {
        var vector = Vector("valid", "reference-libraries-sign");
        var sent = vector.GetProperty("timestamp").GetInt64();
        var options = WebhooksOptions.From(Settings(("Secret", vector.GetProperty("secret").GetString()), ("ToleranceSeconds", "60")));

        var problem = StandardWebhookVerifier.Problem(
            RequestFor(vector, receivedAt: DateTimeOffset.FromUnixTimeSeconds(sent + ageSeconds)), options);

        Assert.Equal(rejected, problem is not null);
    }

    [Theory]
    [MemberData(nameof(ValidVectors))]
    public async Task Connector_does_not_answer_401_to_a_valid_vector(string name)
    {
        var vector = Vector("valid", name);
        var instance = new ConnectorInstance("vectors", "webhooks", Settings(("Secret", vector.GetProperty("secret").GetString())));

        var result = await HandleAsync(RequestFor(vector), instance);

        // The vector payloads are not Segment calls: authentic, but not understood.
        Assert.Equal(400, result.Rejection?.StatusCode);
    }

    [Theory]
    [MemberData(nameof(InvalidVectors))]
    public async Task Connector_answers_401_to_an_invalid_vector(string name)
    {
        var vector = Vector("invalid", name);
        var instance = new ConnectorInstance("vectors", "webhooks", Settings(("Secret", vector.GetProperty("secret").GetString())));

        var result = await HandleAsync(RequestFor(vector), instance);

        Assert.Equal(401, result.Rejection?.StatusCode);
        Assert.Empty(result.Touchpoints);
    }

    private static InboundWebhookRequest RequestFor(JsonElement vector, string? signatureHeader = null, DateTimeOffset? receivedAt = null)
    {
        var timestamp = vector.GetProperty("timestamp").GetInt64();
        return Request(
            Encoding.UTF8.GetBytes(vector.GetProperty("payload").GetString()!),
            "application/json",
            receivedAt ?? DateTimeOffset.FromUnixTimeSeconds(timestamp),
            new()
            {
                ["webhook-id"] = vector.GetProperty("msg_id").GetString()!,
                ["webhook-timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture),
                ["webhook-signature"] = signatureHeader ?? vector.GetProperty("webhook_signature_header").GetString()!,
            });
    }

    private static WebhooksOptions OptionsFor(JsonElement vector) =>
        WebhooksOptions.From(Settings(("Secret", vector.GetProperty("secret").GetString())));

    private static JsonElement Vector(string group, string name) =>
        Vectors.GetProperty(group).EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);

    private static TheoryData<string> Names(string group)
    {
        var names = new TheoryData<string>();
        foreach (var vector in Vectors.GetProperty(group).EnumerateArray())
        {
            Assert.Equal(group, vector.GetProperty("expected_result").GetString());
            names.Add(vector.GetProperty("name").GetString()!);
        }
        return names;
    }

    private static JsonElement LoadVectors()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SamplePath("standard-webhooks-vectors.json")));
        return document.RootElement.Clone();
    }
}
