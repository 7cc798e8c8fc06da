using Cal.Application.Common;
using FluentValidation;

namespace Cal.Application.Schedules.Common;

/// <summary>The fields a created and an updated schedule share.</summary>
public interface IScheduleFields
{
    string? Name { get; }

    TimeZoneInput? TimeZone { get; }

    IReadOnlyList<AvailabilityDto>? Availability { get; }

    IReadOnlyList<OverrideDto>? Overrides { get; }
}

/// <summary>The rules a created and an updated schedule share (cal.com's <c>CreateScheduleInput_2024_06_11</c>).</summary>
internal static class ScheduleRules
{
    public static void Apply<T>(AbstractValidator<T> validator, bool creating)
        where T : IScheduleFields
    {
        if (creating)
        {
            validator.RuleFor(c => c.Name).NotEmpty().OverridePropertyName("name");
            validator.RuleFor(c => c.TimeZone).NotEmpty().OverridePropertyName("timeZone");
        }

        validator.RuleFor(c => c.Name).MaximumLength(256).OverridePropertyName("name");
        validator.RuleFor(c => c.TimeZone).IsIanaTimeZone().OverridePropertyName("timeZone");
        validator
            .RuleFor(c => c.Availability)
            .Custom(
                (availability, context) =>
                {
                    for (var i = 0; i < (availability?.Count ?? 0); i++)
                    {
                        var a = availability![i];
                        if (!ScheduleInput.TryDays(a.Days, out _))
                        {
                            context.AddFailure($"availability[{i}].days", "must list days by name: Monday ... Sunday");
                        }

                        if (!ScheduleInput.TryTime(a.StartTime, out var start) || !ScheduleInput.TryTime(a.EndTime, out var end))
                        {
                            context.AddFailure($"availability[{i}]", "startTime and endTime must be HH:mm");
                        }
                        else if (end <= start && end != TimeOnly.MinValue)
                        {
                            context.AddFailure($"availability[{i}]", "endTime must be after startTime (or 00:00, midnight)");
                        }
                    }
                }
            );
        validator
            .RuleFor(c => c.Overrides)
            .Custom(
                (overrides, context) =>
                {
                    for (var i = 0; i < (overrides?.Count ?? 0); i++)
                    {
                        var o = overrides![i];
                        if (!ScheduleInput.TryDate(o.Date, out _))
                        {
                            context.AddFailure($"overrides[{i}].date", "must be a date such as 2026-12-24");
                        }

                        if (!ScheduleInput.TryTime(o.StartTime, out var start) || !ScheduleInput.TryTime(o.EndTime, out var end))
                        {
                            context.AddFailure($"overrides[{i}]", "startTime and endTime must be HH:mm");
                        }
                        else if (end < start && end != TimeOnly.MinValue)
                        {
                            context.AddFailure($"overrides[{i}]", "endTime must be after startTime (00:00-00:00 is a day off)");
                        }
                    }
                }
            );
    }
}
