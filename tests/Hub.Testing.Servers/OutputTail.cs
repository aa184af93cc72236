namespace Hub.Testing.Servers;

/// <summary>Keeps the last lines a process wrote, for error messages.</summary>
internal sealed class OutputTail(int capacity = 60)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return string.Join('\n', _lines);
        }
    }

    /// <summary>The last lines of a file, or a note why it could not be read.</summary>
    public static string OfFile(string path, int lines = 40)
    {
        try
        {
            return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(lines)) : $"({path} does not exist)";
        }
        catch (IOException e)
        {
            return $"(cannot read {path}: {e.Message})";
        }
        catch (UnauthorizedAccessException e)
        {
            return $"(cannot read {path}: {e.Message})";
        }
    }
}
