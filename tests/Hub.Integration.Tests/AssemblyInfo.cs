// Real brokers, databases and hub processes on two cores: one test class at a time keeps timings sane.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
