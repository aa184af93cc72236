namespace Hub.Integration.Tests.Hosting;

/// <summary>
/// Test classes that must have the machine to themselves: they kill or restart processes and servers, drive thousands
/// of touchpoints through hub processes, time a breaker or a lease, or listen to every activity in the test process.
/// xUnit runs this collection after the others, one class at a time; every other class runs beside one more
/// (xunit.runner.json): the light classes mostly wait on hub processes and HTTP round trips, and took about 40 % less time that way.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}
