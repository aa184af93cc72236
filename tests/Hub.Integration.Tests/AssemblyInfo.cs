// Real brokers, databases and hub processes on two cores: one test class at a time keeps timings sane.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// Stops the servers all test classes share once the last one has run.
[assembly: TestFramework("Hub.Integration.Tests.Hosting.SharedServersTestFramework", "Hub.Integration.Tests")]
