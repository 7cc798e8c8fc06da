namespace Cal.Application.Common.Exceptions;

/// <summary>A request that is understood but contradicts what an earlier one settled (422), e.g. an idempotency key reused with another
/// body.</summary>
public sealed class UnprocessableException(string message) : Exception(message);
