using Hub.Benchmarks;
using Hub.Benchmarks.Reporting;

if (args.FirstOrDefault() == "resolution")
{
    return await Hub.Benchmarks.Resolution.ResolutionCostBenchmark.RunAsync(args[1..], CancellationToken.None);
}
if (args.FirstOrDefault() == "health")
{
    return await Hub.Benchmarks.RelationshipHealth.HealthCostBenchmark.RunAsync(args[1..], CancellationToken.None);
}
if (args.FirstOrDefault() == "context")
{
    return await Hub.Benchmarks.Context.ContextLatencyBenchmark.RunAsync(args[1..], CancellationToken.None);
}

var options = BenchmarkOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

using var shutdown = new ShutdownSignal();
try
{
    var report = await BenchmarkRun.RunAsync(options, args, shutdown.Token);
    ReportTable.Write(report, Console.Out);
    Console.WriteLine();
    Console.WriteLine($"JSON: {await ReportJson.WriteAsync(report, options.JsonPath, CancellationToken.None)}");
    return 0;
}
catch (OperationCanceledException) when (shutdown.Requested)
{
    Console.Error.WriteLine("Stopped before the end; every hub and server this run started has been stopped.");
    return 130;
}
