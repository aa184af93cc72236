namespace Hub.Benchmarks.Measurement;

/// <summary>
/// CPU seconds by who spent them: each hub process, the broker and the database this run started
/// (found as descendants of this process), this harness, and everything else on the machine.
/// </summary>
internal sealed record CpuUsage(
    IReadOnlyDictionary<int, double> Hubs,
    double Broker,
    double Database,
    double Harness,
    double Machine)
{
    /// <summary>What ran on the machine but is not ours: other users' builds and tests.</summary>
    public double Other => Math.Max(0, Machine - Hubs.Values.Sum() - Broker - Database - Harness);

    public static CpuUsage Snapshot(IReadOnlyCollection<int> hubProcessIds)
    {
        var self = Environment.ProcessId;
        var processes = ProcStat.AllProcessIds()
            .Select(pid => (Pid: pid, Stat: ProcStat.Process(pid)))
            .Where(p => p.Stat is not null)
            .ToDictionary(p => p.Pid, p => p.Stat!.Value);
        var hubs = hubProcessIds.ToDictionary(pid => pid, pid => processes.TryGetValue(pid, out var s) ? s.CpuSeconds : 0);
        double broker = 0, database = 0;
        foreach (var (pid, stat) in processes)
        {
            if (pid == self || hubs.ContainsKey(pid) || !DescendsFrom(pid, self, processes))
            {
                continue;
            }
            if (stat.Name == "postgres")
            {
                database += stat.CpuSeconds;
            }
            else if (stat.Name is "beam.smp" or "erl_child_setup" or "epmd" or "inet_gethost")
            {
                broker += stat.CpuSeconds;
            }
        }
        var harness = processes.TryGetValue(self, out var me) ? me.CpuSeconds : 0;
        return new CpuUsage(hubs, broker, database, harness, ProcStat.MachineBusySeconds());
    }

    public static CpuUsage operator -(CpuUsage after, CpuUsage before) => new(
        after.Hubs.ToDictionary(h => h.Key, h => h.Value - before.Hubs.GetValueOrDefault(h.Key)),
        Math.Max(0, after.Broker - before.Broker),
        Math.Max(0, after.Database - before.Database),
        after.Harness - before.Harness,
        after.Machine - before.Machine);

    private static bool DescendsFrom(int pid, int ancestor, Dictionary<int, (string Name, int ParentId, double CpuSeconds)> processes)
    {
        for (var depth = 0; depth < 32 && processes.TryGetValue(pid, out var stat); depth++)
        {
            if (stat.ParentId == ancestor)
            {
                return true;
            }
            pid = stat.ParentId;
        }
        return false;
    }
}
