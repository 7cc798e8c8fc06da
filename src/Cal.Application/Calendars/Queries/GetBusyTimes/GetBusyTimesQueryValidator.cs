using FluentValidation;

namespace Cal.Application.Calendars.Queries.GetBusyTimes;

public sealed class GetBusyTimesQueryValidator : AbstractValidator<GetBusyTimesQuery>
{
    public GetBusyTimesQueryValidator()
    {
        RuleFor(q => q).Custom((q, context) =>
        {
            if (q.ZoneParameter is { } zone && !BusyWindowParser.TryFindZone(zone, out _))
            {
                context.AddFailure(q.ZoneParameterName, "must be an IANA time zone such as Europe/Berlin");
            }
        });

        RuleFor(q => q.DateFrom)
            .Must((q, value) => Parses(q, value)).WithMessage("must be an ISO date (2026-01-05) or date-time (2026-01-05T09:00:00Z)")
            .OverridePropertyName("dateFrom");
        RuleFor(q => q.DateTo)
            .Must((q, value) => Parses(q, value, endOfDay: true)).WithMessage("must be an ISO date (2026-01-05) or date-time (2026-01-05T09:00:00Z)")
            .OverridePropertyName("dateTo");

        RuleFor(q => q)
            .Custom((q, context) =>
            {
                if (!BusyWindowParser.TryFindZone(q.TimeZone, out var zone)
                    || !BusyWindowParser.TryParseInstant(q.DateFrom, zone, out var from)
                    || !BusyWindowParser.TryParseInstant(q.DateTo, zone, out var to, endOfDay: true))
                {
                    return;
                }

                if (to <= from)
                {
                    context.AddFailure("dateTo", "must be after dateFrom");
                }
                else if (to > from.AddYears(1))
                {
                    context.AddFailure("dateTo", "must be at most one year after dateFrom");
                }
            });

        RuleForEach(q => q.CalendarsToLoad)
            .Must(c => c.CredentialId is > 0).WithMessage("credentialId is required and must be a positive integer")
            .OverridePropertyName("calendarsToLoad");
    }

    private static bool Parses(GetBusyTimesQuery query, string? value, bool endOfDay = false) =>
        !BusyWindowParser.TryFindZone(query.TimeZone, out var zone) || BusyWindowParser.TryParseInstant(value, zone, out _, endOfDay);
}
