using Hub.Benchmarks.Ceilings;

namespace Hub.Benchmarks.Reporting;

/// <summary>
/// The three raw baselines. The lower ceiling compares the broker with the database written the way the
/// hub writes (batches of 100 per transaction); one touchpoint per transaction is there to show what batching buys.
/// </summary>
internal sealed record CeilingsResult(BrokerCeiling RabbitMq, DatabaseCeiling PostgresSingle, DatabaseCeiling PostgresBatched)
{
    public double LowerPerSecond => Math.Min(RabbitMq.MessagesPerSecond, PostgresBatched.TouchpointsPerSecond);

    public string LowerName => RabbitMq.MessagesPerSecond <= PostgresBatched.TouchpointsPerSecond ? "RabbitMQ" : "PostgreSQL (100 per transaction)";
}
