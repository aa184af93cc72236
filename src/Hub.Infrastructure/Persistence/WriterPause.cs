namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Lets <see cref="SqliteCheckpointer"/> slip in between two of the resolution loop's transactions. Under load that loop
/// holds SQLite's single write lock nearly all the time, with gaps of a millisecond or two, so a checkpoint that has to
/// wait for the writer could wait for ever; the loop takes this around each transaction and the checkpointer takes it for
/// the moment it needs the file to itself. Uncontended (PostgreSQL, or no checkpoint due) the wait completes at once.
/// </summary>
internal sealed class WriterPause
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    public async Task<Turn> EnterAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        return new Turn(_turn);
    }

    internal readonly struct Turn(SemaphoreSlim turn) : IDisposable
    {
        public void Dispose() => turn.Release();
    }
}
