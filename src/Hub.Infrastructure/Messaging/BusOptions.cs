using System.ComponentModel;

namespace Hub.Infrastructure.Messaging;

/// <summary><c>Hub:Bus</c>: which transport carries the hub's messages.</summary>
public sealed class BusOptions
{
    public const string Section = "Hub:Bus";

    /// <summary><c>InMemory</c> (embedded default: one process, backed by the database buffer) or <c>RabbitMq</c>.</summary>
    [Description("`InMemory` (embedded: one process; touchpoints are buffered in the database first) or `RabbitMq` (production: any number of hub processes).")]
    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    /// <summary>The broker, for example <c>amqp://hub:secret@rabbit:5672/hub</c>.</summary>
    [Description("The broker with credentials and virtual host, e.g. `amqp://hub:secret@rabbit:5672/hub`.")]
    public Uri RabbitMqUri { get; set; } = new("amqp://guest:guest@localhost:5672/");

    /// <summary>Declare the hub's queues as RabbitMQ quorum queues (replicated across the nodes of a cluster).</summary>
    [Description("Declare the hub's queues as quorum queues, replicated over the nodes of a RabbitMQ cluster (3.8 or later), so queued touchpoints and changes survive the loss of a node and its disk. Applies to queues not declared yet: an existing classic queue keeps its type (see docs/operations.md).")]
    public bool QuorumQueues { get; set; }

    /// <summary>The broker's host, port and virtual host, for the start-up summary; never the credentials in the URI.</summary>
    public string BrokerLocation()
    {
        var port = RabbitMqUri.IsDefaultPort || RabbitMqUri.Port < 0
            ? (RabbitMqUri.Scheme.Equals("amqps", StringComparison.OrdinalIgnoreCase) ? 5671 : 5672)
            : RabbitMqUri.Port;
        var virtualHost = Uri.UnescapeDataString(RabbitMqUri.AbsolutePath.TrimStart('/'));
        return $"broker {RabbitMqUri.Host}:{port}, virtual host {(virtualHost.Length == 0 ? "/" : virtualHost)}";
    }
}

public enum BusTransport
{
    InMemory,
    RabbitMq,
}
