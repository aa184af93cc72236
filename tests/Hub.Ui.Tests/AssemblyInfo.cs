// A hub process and a browser on two shared cores: one test class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
