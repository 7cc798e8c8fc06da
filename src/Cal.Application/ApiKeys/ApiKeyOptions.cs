using System.ComponentModel.DataAnnotations;

namespace Cal.Application.ApiKeys;

/// <summary>Section <c>ApiKeys</c>.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "ApiKeys";

    /// <summary>How long the key used for <c>POST /v2/api-keys/refresh</c> keeps working after the refresh (default: not at all).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan RefreshGracePeriod { get; set; } = TimeSpan.Zero;
}
