using System.ComponentModel.DataAnnotations;

namespace Cal.WebApi.RateLimiting;

/// <summary>Section <c>RateLimiting</c>: requests per window per API key, token family, or (unauthenticated) client IP.</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "RateLimiting";

    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 120;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
