using System.Runtime.InteropServices;

namespace Hub.Benchmarks;

/// <summary>
/// Turns the first Ctrl+C or SIGTERM into a cancellation, so the run unwinds and stops every server and hub it
/// started; a second one ends the process at once (the servers' own guards then stop them).
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignal()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public CancellationToken Token => _source.Token;

    public bool Requested => _source.IsCancellationRequested;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        _source.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        if (_source.IsCancellationRequested)
        {
            return;
        }
        context.Cancel = true;
        Console.Error.WriteLine("Stopping: shutting down the hubs and servers this run started (again to force)...");
        _source.Cancel();
    }
}
