namespace Cal.Application.Common.Exceptions;

/// <summary>A request that is well-formed but cannot be served as asked (400), with cal.com's message.</summary>
public sealed class BadRequestException(string message, object? details = null) : Exception(message)
{
    public object? Details { get; } = details;
}
