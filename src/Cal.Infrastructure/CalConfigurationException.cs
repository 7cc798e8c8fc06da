namespace Cal.Infrastructure;

/// <summary>The configuration cannot work (a provider without its connection string, an unknown provider); the message says what to
/// set.</summary>
public sealed class CalConfigurationException(string message) : Exception(message);
