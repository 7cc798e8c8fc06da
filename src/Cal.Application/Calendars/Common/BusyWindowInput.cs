using System.Diagnostics.CodeAnalysis;
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
        if (!TryResolveZone(timeZone, loggedInUsersTz, userTimeZone, out var zone, out var zoneProblem))
        {
            return new(null, [zoneProblem]);
        }

        var problems = new List<InputProblem>();
        var hasFrom = TryReadDate("dateFrom", dateFrom, zone, endOfDay: false, problems, out var from);
        var hasTo = TryReadDate("dateTo", dateTo, zone, endOfDay: true, problems, out var to);
        if (hasFrom && hasTo && to <= from)
        {
            problems.Add(new InputProblem("dateTo", "must be after dateFrom"));
        }
        else if (hasFrom && hasTo && to > from.AddYears(1))
        {
            problems.Add(new InputProblem("dateTo", "must be at most one year after dateFrom"));
        }

        return problems.Count > 0 ? new(null, problems) : new(new BusyWindow(from, to, zone), []);
    }

    /// <summary>cal.com's current name wins over its deprecated alias; without either, the user's own zone (UTC if it has none).</summary>
    private static bool TryResolveZone(
        string? timeZone,
        string? loggedInUsersTz,
        string userTimeZone,
        [NotNullWhen(true)] out IanaTimeZone? zone,
        [NotNullWhen(false)] out InputProblem? problem
    )
    {
        problem = null;
        var (parameter, name) =
            !string.IsNullOrWhiteSpace(timeZone) ? (timeZone, "timeZone")
            : !string.IsNullOrWhiteSpace(loggedInUsersTz) ? (loggedInUsersTz, "loggedInUsersTz")
            : (null, null);
        if (parameter is null)
        {
            zone = IanaTimeZone.TryParse(userTimeZone, out var own) ? own : IanaTimeZone.Utc;
            return true;
        }

        if (IanaTimeZone.TryParse(parameter, out zone))
        {
            return true;
        }

        problem = new InputProblem(name!, IanaTimeZone.InvalidMessage);
        return false;
    }

    /// <summary>A date or instant (a date's end of day when <paramref name="endOfDay"/>) within the answered years; else its
    /// problem.</summary>
    private static bool TryReadDate(
        string field,
        string? text,
        IanaTimeZone zone,
        bool endOfDay,
        List<InputProblem> problems,
        out DateTimeOffset value
    )
    {
        if (!BusyWindowParser.TryParseInstant(text, zone.System, out value, endOfDay))
        {
            problems.Add(
                new InputProblem(field, BusyWindowParser.OutsideAnsweredYears(text) ? BusyWindowParser.OutsideYearsMessage : DateMessage)
            );
            return false;
        }

        if (!BusyWindowParser.InAnsweredYears(value))
        {
            problems.Add(new InputProblem(field, BusyWindowParser.OutsideYearsMessage));
            return false;
        }

        return true;
    }
}
