namespace Hub.Benchmarks.Workload;

/// <summary>One signed webhook to send: which connector instance, the Segment call, and the timeline id it must end up under.</summary>
internal sealed record WebhookCall(string InstanceId, string MessageId, string Body, Guid TouchpointId);
