using Cal.Application.Calendars.Common;
using FluentValidation;

namespace Cal.Application.Common;

/// <summary>
/// An instant as a query sends it (<c>start</c>, <c>end</c>, <c>afterStart</c>, <c>beforeEnd</c>): an ISO date (midnight UTC,
/// or with <c>endOfDay</c> the next midnight) or date-time (UTC unless it says otherwise), parsed once where the request
/// enters. Built only with <see cref="Parse"/>, so that every caller says which end of a day a date stands for.
/// </summary>
public sealed record InstantInput
{
    private InstantInput(string text, DateTimeOffset? instant)
    {
        Text = text;
        Instant = instant;
    }

    /// <summary>The value as it was sent.</summary>
    public string Text { get; }

    /// <summary>The instant; null when <see cref="Text"/> is not an ISO date or date-time.</summary>
    public DateTimeOffset? Instant { get; }

    /// <summary>The input for <paramref name="text"/>; null when none was sent.</summary>
    public static InstantInput? Parse(string? text, bool endOfDay = false) =>
        text is null
            ? null
            : new(text, BusyWindowParser.TryParseInstant(text, TimeZoneInfo.Utc, out var instant, endOfDay) ? instant : null);

    public override string ToString() => Text;
}

/// <summary>The validator's side of <see cref="InstantInput"/>.</summary>
public static class InstantInputRules
{
    public const string InvalidMessage = "must be an ISO date or date-time";

    /// <summary>Refuses a sent value that is not an instant (an absent one is for other rules to judge).</summary>
    public static IRuleBuilderOptions<T, InstantInput?> IsInstant<T>(this IRuleBuilder<T, InstantInput?> rule) =>
        rule.Must(input => input is null || input.Instant is not null).WithMessage(InvalidMessage);
}
