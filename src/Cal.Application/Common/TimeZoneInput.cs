using Cal.Domain.Common;
using FluentValidation;

namespace Cal.Application.Common;

/// <summary>
/// A time zone as it came in (a body's or query's <c>timeZone</c>), parsed once where the request enters: the
/// <see cref="IanaTimeZone"/> handlers use, or the text that was not one, which the validator reports with the one
/// message (<see cref="IanaTimeZone.InvalidMessage"/>). Messages carry this, never the string.
/// </summary>
public sealed record TimeZoneInput
{
    private TimeZoneInput(string text, IanaTimeZone? zone)
    {
        Text = text;
        Zone = zone;
    }

    /// <summary>The value as it was sent.</summary>
    public string Text { get; }

    /// <summary>The zone; null when <see cref="Text"/> is not an IANA time zone.</summary>
    public IanaTimeZone? Zone { get; }

    /// <summary>The input for <paramref name="text"/>; null when none was sent.</summary>
    public static TimeZoneInput? Parse(string? text) =>
        text is null ? null : new(text, IanaTimeZone.TryParse(text, out var zone) ? zone : null);

    /// <summary>An input already holding a zone (another use case passing one on).</summary>
    public static TimeZoneInput Of(IanaTimeZone zone) => new(zone.Id, zone);

    /// <summary>A string as it was sent, parsed (for callers that build messages from bodies: controllers, the admin commands).</summary>
    public static implicit operator TimeZoneInput?(string? text) => Parse(text);

    /// <summary>The zone of a validated message (the validator refused any input without one).</summary>
    public IanaTimeZone Valid => Zone ?? throw new InvalidOperationException($"'{Text}' reached a handler unvalidated.");

    public override string ToString() => Text;
}

/// <summary>The validator's side of <see cref="TimeZoneInput"/>: one rule, one message.</summary>
public static class TimeZoneInputRules
{
    /// <summary>Refuses a sent value that is not an IANA time zone (an absent one is for other rules to judge).</summary>
    public static IRuleBuilderOptions<T, TimeZoneInput?> IsIanaTimeZone<T>(this IRuleBuilder<T, TimeZoneInput?> rule) =>
        rule.Must(input => input is null || input.Zone is not null).WithMessage(IanaTimeZone.InvalidMessage);
}
