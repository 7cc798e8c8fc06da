namespace Cal.Application.Common.Exceptions;

/// <summary>A limit of the use case itself (not the per-caller rate limit) is spent for now (429, with <c>Retry-After</c>).</summary>
public sealed class TooManyRequestsException(string message, int retryAfterSeconds) : Exception(message)
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
