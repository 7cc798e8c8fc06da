using Cal.Application.Common;
using Cal.Domain.Common;

namespace Cal.Application.Calendars.Common;

/// <summary>
/// cal.com's busy-times window as it came in (<c>dateFrom</c>, <c>dateTo</c>, <c>timeZone</c> or its alias
/// <c>loggedInUsersTz</c>, else the user's zone), parsed once, where the request enters: either a
/// <see cref="BusyWindow"/> (instants and a resolved zone) that handlers and providers use as it is, or the problems
/// the validation behaviour reports. Nothing downstream parses these strings again.
/// </summary>
public sealed class BusyWindowInput : IParsedInput
{
    private const string DateMessage = "must be an ISO date (2026-01-05) or date-time (2026-01-05T09:00:00Z)";

    private BusyWindowInput(BusyWindow? window, IReadOnlyList<InputProblem> problems)
    {
        Window = window;
        Problems = problems;
    }

    /// <summary>The window; null exactly when there are <see cref="Problems"/>.</summary>
    public BusyWindow? Window { get; }

    public IReadOnlyList<InputProblem> Problems { get; }

    /// <summary>A window already built (another use case asking for busy times).</summary>
    public static BusyWindowInput Of(BusyWindow window) => new(window, []);

    public static BusyWindowInput Parse(string? dateFrom, string? dateTo, string? timeZone, string? loggedInUsersTz, string userTimeZone)
    {
        // cal.com's current name wins over its deprecated alias; without either, the user's own zone.
        var (parameter, name) =
            !string.IsNullOrWhiteSpace(timeZone) ? (timeZone, "timeZone")
            : !string.IsNullOrWhiteSpace(loggedInUsersTz) ? (loggedInUsersTz, "loggedInUsersTz")
            : (null, null);
        IanaTimeZone? zone;
        if (parameter is not null)
        {
            if (!IanaTimeZone.TryParse(parameter, out zone))
            {
                return new(null, [new InputProblem(name!, IanaTimeZone.InvalidMessage)]);
            }
        }
        else if (!IanaTimeZone.TryParse(userTimeZone, out zone))
        {
            zone = IanaTimeZone.Utc;
        }

        var problems = new List<InputProblem>();
        var hasFrom = BusyWindowParser.TryParseInstant(dateFrom, zone.System, out var from);
        var hasTo = BusyWindowParser.TryParseInstant(dateTo, zone.System, out var to, endOfDay: true);
        if (!hasFrom)
        {
            problems.Add(
                new InputProblem(
                    "dateFrom",
                    BusyWindowParser.OutsideAnsweredYears(dateFrom) ? BusyWindowParser.OutsideYearsMessage : DateMessage
                )
            );
        }
        else if (!BusyWindowParser.InAnsweredYears(from))
        {
            problems.Add(new InputProblem("dateFrom", BusyWindowParser.OutsideYearsMessage));
            hasFrom = false;
        }

        if (!hasTo)
        {
            problems.Add(
                new InputProblem(
                    "dateTo",
                    BusyWindowParser.OutsideAnsweredYears(dateTo) ? BusyWindowParser.OutsideYearsMessage : DateMessage
                )
            );
        }
        else if (!BusyWindowParser.InAnsweredYears(to))
        {
            problems.Add(new InputProblem("dateTo", BusyWindowParser.OutsideYearsMessage));
        }
        else if (hasFrom && to <= from)
        {
            problems.Add(new InputProblem("dateTo", "must be after dateFrom"));
        }
        else if (hasFrom && to > from.AddYears(1))
        {
            problems.Add(new InputProblem("dateTo", "must be at most one year after dateFrom"));
        }

        return problems.Count > 0 ? new(null, problems) : new(new BusyWindow(from, to, zone), []);
    }
}
