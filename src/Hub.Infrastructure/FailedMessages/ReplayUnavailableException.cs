namespace Hub.Infrastructure.FailedMessages;

/// <summary>The broker did not take a replayed message; nothing was marked, so the replay can be tried again.</summary>
public sealed class ReplayUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
