using FluentValidation;

namespace Cal.Application.Bookings.Common;

/// <summary>
/// A booking's or reservation's <c>start</c> as it came in, parsed once where the request enters
/// (<see cref="BookingInput.TryParseStart"/>: an ISO date-time with a zone or offset): the instant handlers use, or the
/// text that was not one, which the validator refuses with <see cref="BookingInput.StartMessage"/>.
/// </summary>
public sealed record StartInput
{
    private StartInput(string text, DateTimeOffset? instant)
    {
        Text = text;
        Instant = instant;
    }

    /// <summary>The value as it was sent.</summary>
    public string Text { get; }

    /// <summary>The instant (UTC); null when <see cref="Text"/> is not a start.</summary>
    public DateTimeOffset? Instant { get; }

    /// <summary>The input for <paramref name="text"/>; null when none was sent.</summary>
    public static StartInput? Parse(string? text) =>
        text is null ? null : new(text, BookingInput.TryParseStart(text, out var start) ? start : null);

    /// <summary>A string as it was sent, parsed (controllers build messages from bodies).</summary>
    public static implicit operator StartInput?(string? text) => Parse(text);

    /// <summary>The instant of a validated message (the validator refused any input without one).</summary>
    public DateTimeOffset Valid => Instant ?? throw new InvalidOperationException("An unvalidated start reached its handler.");

    public override string ToString() => Text;
}

/// <summary>The validator's side of <see cref="StartInput"/>: required, and a start.</summary>
public static class StartInputRules
{
    public static IRuleBuilderOptions<T, StartInput?> IsStart<T>(this IRuleBuilder<T, StartInput?> rule) =>
        rule.Must(input => input?.Instant is not null).WithMessage(BookingInput.StartMessage);
}
