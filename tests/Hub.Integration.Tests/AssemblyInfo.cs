// Two test classes at a time (xunit.runner.json); the heavy and timing-sensitive ones are in the RunsAlone collection.

// Stops the servers all test classes share once the last one has run.
[assembly: TestFramework("Hub.Integration.Tests.Hosting.SharedServersTestFramework", "Hub.Integration.Tests")]
