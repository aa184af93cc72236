namespace Hub.Benchmarks.Ceilings;

/// <summary>RabbitMQ with RabbitMQ.Client alone: persistent, publisher-confirmed, consumed and acked.</summary>
internal sealed record BrokerCeiling(
    long Messages,
    double Seconds,
    double MessagesPerSecond,
    int Publishers,
    int Consumers,
    int Prefetch,
    int MessageBytes);

/// <summary>RabbitMQ with RabbitMQ.Client alone at a steady rate: publish to confirm, one message at a time each.</summary>
internal sealed record BrokerLatency(double OfferedPerSecond, int MessageBytes, Hub.Benchmarks.Measurement.LatencySummary? Confirm);

/// <summary>PostgreSQL with Npgsql alone: the hub's write per touchpoint, one or many touchpoints per transaction.</summary>
internal sealed record DatabaseCeiling(
    int TouchpointsPerTransaction,
    long Touchpoints,
    long Transactions,
    double Seconds,
    double TouchpointsPerSecond,
    double TransactionsPerSecond,
    int Connections,
    int Retries);
