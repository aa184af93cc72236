using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Sync;
using Hub.Integration.Tests.Telemetry;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Integration.Tests.Sync;

/// <summary>
/// Which sync queues RuntimeSyncEndpoints connects, and what it reports when it cannot: the bus is a stand-in that
/// records the queues it is asked for and refuses while told to.
/// </summary>
public sealed class RuntimeSyncEndpointsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingBus _bus = new();
    private readonly SyncQueueConsumers _consumers = new();
    private readonly RecordingLogger<RuntimeSyncEndpoints> _log = new();
    private readonly ConnectorInstances _instances = new([new Target()], new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Hub:Connectors:configured:Kind"] = Target.Kind,
    }).Build());

    // As the bus configuration does for the configured instances when the bus is built.
    public RuntimeSyncEndpointsTests() => _consumers.ConfiguredWithTheBus("configured");

    [Fact]
    public async Task At_start_it_connects_the_queue_of_every_stored_target_but_not_of_those_the_bus_was_configured_with()
    {
        _instances.ReplaceStored([new ConnectorInstance("stored", Target.Kind, new ConnectorSettings([]))]);

        await StartAsync();

        Assert.Equal([SyncEndpoints.For("stored")], _bus.Connected);
        Assert.Equal(SyncQueueState.Consumed, _consumers.StateOf("stored"));
        Assert.Equal(SyncQueueState.Consumed, _consumers.StateOf("configured"));
    }

    [Fact]
    public async Task A_queue_it_cannot_connect_is_reported_as_not_consumed_with_a_warning_and_connected_on_a_later_try()
    {
        _instances.ReplaceStored([new ConnectorInstance("stored", Target.Kind, new ConnectorSettings([]))]);
        _bus.Refuse = true;

        await StartAsync();

        Assert.Equal(SyncQueueState.NotConsumed, _consumers.StateOf("stored"));
        Assert.Contains(_log.Lines.Where(l => l.Level >= LogLevel.Warning).Select(l => l.Message), w => w.Contains("'stored' has no consumer in this process", StringComparison.Ordinal) && w.Contains(SyncEndpoints.For("stored"), StringComparison.Ordinal));

        _bus.Refuse = false;
        _time.Advance(SyncQueueConsumers.RetryDelay);

        await WaitForAsync(() => _consumers.StateOf("stored") == SyncQueueState.Consumed);
        Assert.Equal([SyncEndpoints.For("stored")], _bus.Connected);
    }

    [Fact]
    public async Task A_queue_that_keeps_failing_to_connect_is_logged_in_full_once_then_summarised_and_its_recovery_is_logged()
    {
        _instances.ReplaceStored([Stored(0)]);
        _bus.Refuse = true;
        await StartAsync();

        // The instance is edited five times in five seconds: each change tries its queue again.
        for (var i = 1; i <= 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            _instances.ReplaceStored([Stored(i)]);
            await WaitForAsync(() => _bus.Refusals == i + 1);
        }

        var full = Assert.Single(_log.Lines);
        Assert.Equal(LogLevel.Warning, full.Level);
        Assert.Equal($"Sync target 'stored' has no consumer in this process: its changes wait in {SyncEndpoints.For("stored")}. Trying again in 30 s", full.Message);
        Assert.Equal("The broker refused.", full.Exception?.Message);

        _time.Advance(SyncQueueConsumers.RetryDelay);
        await WaitForAsync(() => _bus.Refusals == 7);
        Assert.Equal(
            new LoggedLine(LogLevel.Warning, "Connecting the sync queue of connector instance 'stored' is still failing: 7 failed attempts since 2026-12-04T12:00:00.0000000+00:00; last error: The broker refused.", null),
            Assert.Single(_log.Lines.Skip(1)));

        _bus.Refuse = false;
        _time.Advance(SyncQueueConsumers.RetryDelay);
        await WaitForAsync(() => _consumers.StateOf("stored") == SyncQueueState.Consumed);

        Assert.Equal(
            [
                new LoggedLine(LogLevel.Information, "Connecting the sync queue of connector instance 'stored' recovered after 65 s and 7 failed attempts (failing since 2026-12-04T12:00:00.0000000+00:00)", null),
                new LoggedLine(LogLevel.Information, "Connected the sync queue of connector instance 'stored'", null),
            ],
            _log.Lines.Skip(2));
    }

    private static ConnectorInstance Stored(int edit) =>
        new("stored", Target.Kind, new ConnectorSettings([new KeyValuePair<string, string?>("Note", $"edit {edit}")]));

    private async Task StartAsync()
    {
        // The registration context is only handed to the endpoint configuration callback, which the stand-in bus never calls.
        var endpoints = new RuntimeSyncEndpoints(_instances, _bus, null!, _consumers, new NoTeardown(), _time, _log);
        await endpoints.StartAsync(CancellationToken.None);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition());
    }

    private sealed class Target : IConnector, ISyncTarget
    {
        public const string Kind = "target";

        public ConnectorDescriptor Descriptor { get; } = new(Kind, "Target", "A sync target.", []);

        public ValueTask<SyncResult> PushAsync(CustomerUpdated change, ConnectorInstance instance, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    private sealed class NoTeardown : ISyncQueueTeardown
    {
        public Task TearDownAsync(string instanceId) => Task.CompletedTask;

        public Task BeforeConnectAsync(string instanceId) => Task.CompletedTask;
    }

    private sealed class RecordingBus : IReceiveEndpointConnector
    {
        public List<string> Connected { get; } = [];

        public bool Refuse { get; set; }

        public int Refusals { get; private set; }

        public HostReceiveEndpointHandle ConnectReceiveEndpoint(string queueName, Action<IBusRegistrationContext, IReceiveEndpointConfigurator>? configure = null)
        {
            if (Refuse)
            {
                Refusals++;
                throw new InvalidOperationException("The broker refused.");
            }
            Connected.Add(queueName);
            return new ReadyHandle();
        }

        public HostReceiveEndpointHandle ConnectReceiveEndpoint(IEndpointDefinition definition, IEndpointNameFormatter? endpointNameFormatter,
            Action<IBusRegistrationContext, IReceiveEndpointConfigurator>? configure = null) => throw new NotSupportedException();
    }

    private sealed class ReadyHandle : HostReceiveEndpointHandle
    {
        public IReceiveEndpoint ReceiveEndpoint => throw new NotSupportedException();

        public Task<ReceiveEndpointReady> Ready { get; } = Task.FromResult<ReceiveEndpointReady>(null!);

        public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
