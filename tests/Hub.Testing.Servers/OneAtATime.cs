namespace Hub.Testing.Servers;

/// <summary>Lets one stop, start or dispose of a server run at a time.</summary>
internal sealed class OneAtATime
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task RunAsync(Func<Task> operation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await operation();
        }
        finally
        {
            _gate.Release();
        }
    }
}
