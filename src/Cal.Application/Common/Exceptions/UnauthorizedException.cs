namespace Cal.Application.Common.Exceptions;

/// <summary>401: the caller's credentials (an OAuth client secret, a refresh token) are not good.</summary>
public sealed class UnauthorizedException(string message) : Exception(message);
