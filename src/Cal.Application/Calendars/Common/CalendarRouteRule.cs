using Cal.Domain.Calendars;
using FluentValidation;

namespace Cal.Application.Calendars.Common;

/// <summary>The <c>{calendar}</c> route segment of the generic calendar calls: one of <see cref="CalendarApps.Routes"/>.</summary>
public static class CalendarRouteRule
{
    public static IRuleBuilderOptions<T, string> MustNameACalendar<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(c => CalendarApps.TypeOfRoute(c) is not null)
            .WithMessage((_, c) => $"'{c}' is not a calendar Cal connects; use one of {string.Join(", ", CalendarApps.Routes)}")
            .OverridePropertyName("calendar");
}
