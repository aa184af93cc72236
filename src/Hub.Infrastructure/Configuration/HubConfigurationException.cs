namespace Hub.Infrastructure.Configuration;

/// <summary>
/// The configuration is wrong, and the message says which setting and how to put it right, for the operator. The hub
/// process stops on it with that message alone and exit code 78 (EX_CONFIG), not with a crash's stack trace.
/// An <see cref="InvalidOperationException"/>, as these errors were before.
/// </summary>
public sealed class HubConfigurationException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
