namespace Hub.Testing.Servers;

internal sealed record CommandResult(string Description, int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;

    public void ThrowIfFailed()
    {
        if (!Succeeded)
        {
            throw new InvalidOperationException($"'{Description}' failed with exit code {ExitCode}:\n{Output}");
        }
    }
}
