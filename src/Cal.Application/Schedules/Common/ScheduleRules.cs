using Cal.Application.Common;
using FluentValidation;

namespace Cal.Application.Schedules.Common;

/// <summary>The fields a created and an updated schedule share.</summary>
public interface IScheduleFields
{
    string? Name { get; }

    TimeZoneInput? TimeZone { get; }

    AvailabilityInput? Availability { get; }

    OverridesInput? Overrides { get; }
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
        validator.RuleFor(c => c.Availability).ReportsItsProblems();
        validator.RuleFor(c => c.Overrides).ReportsItsProblems();
    }
}
