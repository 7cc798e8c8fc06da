using System.ComponentModel.DataAnnotations;

namespace Cal.Application.Webhooks.Common;

/// <summary>Section <c>Webhooks</c>: how deliveries are made.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>The default delays between attempts of a delivery (1 min, 5 min, 30 min, 2 h, 6 h, 12 h; then failed).</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultRetryDelays =
    [
        TimeSpan.FromMinutes(1),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(6),
        TimeSpan.FromHours(12),
    ];

    /// <summary><c>Webhooks:RetryDelays:0</c>, <c>:1</c>, ...; empty: <see cref="DefaultRetryDelays"/>.</summary>
    public List<TimeSpan> RetryDelays { get; set; } = [];

    /// <summary>One attempt's whole time: connect, send, answer (its first <see cref="MaxResponseBytes"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How much of an answer is read (the rest is dropped with the connection).</summary>
    [Range(0, 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>A webhook whose every delivery has failed for this long is switched off (<c>active: false</c>) and logged.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan SwitchOffAfter { get; set; } = TimeSpan.FromDays(3);

    public IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays.Count > 0 ? RetryDelays : DefaultRetryDelays;
}
