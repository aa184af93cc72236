using System.Globalization;

namespace Hub.Benchmarks.Measurement;

/// <summary>Reads Linux's /proc: CPU time of a process and of the whole machine.</summary>
internal static class ProcStat
{
    // USER_HZ is 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    /// <summary>(command name, parent pid, user+system CPU seconds) of a process, or null when it is gone.</summary>
    public static (string Name, int ParentId, double CpuSeconds)? Process(int pid)
    {
        string line;
        try
        {
            line = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // The name is in parentheses and may itself contain spaces or parentheses.
        var open = line.IndexOf('(', StringComparison.Ordinal);
        var close = line.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }
        var fields = line[(close + 2)..].Split(' ');
        // After the name: state(0) ppid(1) ... utime(11) stime(12).
        var ticks = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
        return (line[(open + 1)..close], int.Parse(fields[1], CultureInfo.InvariantCulture), ticks / TicksPerSecond);
    }

    /// <summary>CPU seconds the whole machine spent busy (all cores, everything but idle and iowait) since boot.</summary>
    public static double MachineBusySeconds()
    {
        var first = File.ReadLines("/proc/stat").First();
        var values = first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal ...
        var busy = values[0] + values[1] + values[2] + values[5] + values[6] + (values.Length > 7 ? values[7] : 0);
        return busy / TicksPerSecond;
    }

    /// <summary>Every live process id on the machine.</summary>
    public static IEnumerable<int> AllProcessIds() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name is { Length: > 0 } && name.All(char.IsAsciiDigit))
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture));
}
