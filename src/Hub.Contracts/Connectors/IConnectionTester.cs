namespace Hub.Contracts.Connectors;

/// <summary>A connector that can check an instance's settings against the real system ("Test connection").</summary>
public interface IConnectionTester
{
    /// <summary>Tells bad settings from an unreachable system.</summary>
    ValueTask<ConnectionTestResult> TestAsync(ConnectorInstance instance, CancellationToken cancellationToken);
}

/// <summary>The outcome of a connection test.</summary>
/// <param name="Outcome">What was found.</param>
/// <param name="Detail">What exactly, for the admin.</param>
public sealed record ConnectionTestResult(ConnectionTestOutcome Outcome, string Detail);

/// <summary>The classes of connection test outcomes.</summary>
public enum ConnectionTestOutcome
{
    /// <summary>The system answered and accepted the settings.</summary>
    Ok,

    /// <summary>The system answered but refused the settings (credentials, permissions).</summary>
    BadSettings,

    /// <summary>The system could not be reached.</summary>
    Unreachable,
}
