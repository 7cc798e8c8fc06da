namespace Cal.Application.Platform.Tokens;

/// <summary>cal.com's token output: the plaintext tokens (shown once) and their expiry times in epoch milliseconds.</summary>
public sealed record TokenPairDto(string AccessToken, string RefreshToken, long AccessTokenExpiresAt, long RefreshTokenExpiresAt);
