using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.Telemetry;

/// <summary>
/// A small OTLP/HTTP collector on loopback: takes <c>POST /v1/traces</c> (and logs) in protobuf and reads the spans out
/// of what it was sent.
/// </summary>
internal sealed class OtlpCollector : IDisposable
{
    public OtlpCollector() =>
        Server.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/x-protobuf"));

    public WireMockServer Server { get; } = WireMockServer.Start();

    public Uri Endpoint => new($"http://127.0.0.1:{Server.Port}");

    /// <summary>Every span exported so far.</summary>
    public List<OtlpSpan> Spans() =>
        [.. Server.LogEntries
            .Where(e => e.RequestMessage?.Path == "/v1/traces" && e.RequestMessage.BodyAsBytes is not null)
            .SelectMany(e => OtlpSpan.ReadExportRequest(e.RequestMessage!.BodyAsBytes!))];

    public void Dispose() => Server.Stop();
}
