using System.Diagnostics;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Hub.Benchmarks.Hosting;

/// <summary>
/// The system customer changes are synced back to: a WireMock.Net server on loopback that answers 200
/// and counts deliveries in its response callback (its request log stays off, so memory stays flat).
/// </summary>
internal sealed class SyncTarget : IDisposable
{
    private readonly WireMockServer _server;
    private long _deliveries;
    private long _firstTimestamp;
    private long _lastTimestamp;

    private SyncTarget()
    {
        _server = WireMockServer.Start(new WireMockServerSettings { MaxRequestLogCount = 0, StartAdminInterface = false });
        _server.Given(Request.Create().UsingPost().WithPath("/hub-events"))
            .RespondWith(Response.Create().WithCallback(Count));
    }

    public Uri Url => new($"http://127.0.0.1:{_server.Port}/hub-events");

    public long Deliveries => Interlocked.Read(ref _deliveries);

    /// <summary>Stopwatch timestamp of the latest delivery (0 before the first).</summary>
    public long LastTimestamp => Interlocked.Read(ref _lastTimestamp);

    public static SyncTarget Start() => new();

    /// <summary>Deliveries and the stopwatch timestamps of the first and last one since the last reset.</summary>
    public (long Count, long First, long Last) Reset()
    {
        var snapshot = (Interlocked.Exchange(ref _deliveries, 0), Interlocked.Exchange(ref _firstTimestamp, 0), Interlocked.Exchange(ref _lastTimestamp, 0));
        return snapshot;
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }

    private ResponseMessage Count(IRequestMessage request)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _firstTimestamp, now, 0);
        Interlocked.Exchange(ref _lastTimestamp, now);
        Interlocked.Increment(ref _deliveries);
        return new ResponseMessage { StatusCode = 200 };
    }
}
