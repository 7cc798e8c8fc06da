using System.Globalization;
using System.Text.RegularExpressions;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

/// <summary>
/// A feed's own VTIMEZONE definitions, for TZIDs no time-zone database knows (Outlook's "Customized Time
/// Zone", exporters' made-up names). Each such VTIMEZONE is read as its standard and daylight offsets and
/// yearly transition rules, and matched to the IANA zone that has the same offsets at the same instants
/// through the year of the window. Ical.Net ignores VTIMEZONE rules, so the match is handed to its resolver
/// for the duration of one read (<see cref="LenientTimeZones"/>).
/// </summary>
internal static partial class FeedTimeZones
{
    /// <summary>TZID → IANA id for every VTIMEZONE in <paramref name="feed"/> whose TZID is not a known name and whose rules match a zone.</summary>
    public static IReadOnlyDictionary<string, string> Match(string feed, int year, Func<string, bool> isKnown)
    {
        var matches = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var definition in Definitions(feed))
        {
            if (!isKnown(definition.TzId) && definition.Observances.Count > 0 && ZoneLike(definition, year) is { } iana)
            {
                matches[definition.TzId] = iana;
            }
        }

        return matches;
    }

    private sealed record Observance(bool Daylight, TimeSpan OffsetTo, int? Month, int? WeekdayOrdinal, DayOfWeek? Weekday, TimeSpan TimeOfDay);

    private sealed record Definition(string TzId, List<Observance> Observances);

    private static IEnumerable<Definition> Definitions(string feed)
    {
        Definition? current = null;
        bool? daylight = null;
        TimeSpan? offsetTo = null;
        string? rule = null;
        var start = TimeSpan.Zero;
        foreach (var raw in feed.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var upper = line.ToUpperInvariant();
            if (upper == "BEGIN:VTIMEZONE")
            {
                current = new Definition("", []);
            }
            else if (current is null)
            {
                continue;
            }
            else if (upper.StartsWith("TZID", StringComparison.Ordinal) && daylight is null && line.IndexOf(':', StringComparison.Ordinal) is var c and > 0)
            {
                current = current with { TzId = line[(c + 1)..].Trim() };
            }
            else if (upper is "BEGIN:STANDARD" or "BEGIN:DAYLIGHT")
            {
                (daylight, offsetTo, rule, start) = (upper.EndsWith("DAYLIGHT", StringComparison.Ordinal), null, null, TimeSpan.Zero);
            }
            else if (upper.StartsWith("TZOFFSETTO:", StringComparison.Ordinal))
            {
                offsetTo = ParseOffset(line[11..].Trim());
            }
            else if (upper.StartsWith("RRULE:", StringComparison.Ordinal))
            {
                rule = upper[6..];
            }
            else if (upper.StartsWith("DTSTART", StringComparison.Ordinal) && line.LastIndexOf('T') is var t and > 8 && line.Length >= t + 5)
            {
                _ = TimeSpan.TryParseExact(line.Substring(t + 1, 4), "hhmm", CultureInfo.InvariantCulture, out start);
            }
            else if ((upper is "END:STANDARD" or "END:DAYLIGHT") && daylight is { } isDaylight && offsetTo is { } offset)
            {
                current.Observances.Add(ParseRule(isDaylight, offset, rule, start));
                daylight = null;
            }
            else if (upper == "END:VTIMEZONE")
            {
                if (current.TzId.Length > 0)
                {
                    yield return current;
                }

                current = null;
            }
        }
    }

    private static Observance ParseRule(bool daylight, TimeSpan offset, string? rule, TimeSpan start)
    {
        if (rule is null)
        {
            return new Observance(daylight, offset, null, null, null, start);
        }

        var month = RulePart().Match(rule) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : (int?)null;
        var byDay = ByDay().Match(rule);
        return byDay.Success
            ? new Observance(daylight, offset, month, int.Parse(byDay.Groups[1].Value.Length == 0 ? "1" : byDay.Groups[1].Value, CultureInfo.InvariantCulture), Weekday(byDay.Groups[2].Value), start)
            : new Observance(daylight, offset, month, null, null, start);
    }

    /// <summary>The IANA zone whose UTC offset equals the definition's at mid-month instants and on both sides of each transition.</summary>
    private static string? ZoneLike(Definition definition, int year)
    {
        var samples = SampleInstants(definition, year).ToList();
        var expected = samples.Select(s => OffsetAt(definition, s)).ToList();
        if (expected.Any(e => e is null))
        {
            return null;
        }

        return TimeZoneInfo.GetSystemTimeZones()
            .Where(z => z.HasIanaId && z.Id.Contains('/', StringComparison.Ordinal) && !z.Id.StartsWith("Etc/", StringComparison.Ordinal))
            .OrderBy(z => z.Id, StringComparer.Ordinal)
            .FirstOrDefault(z => samples.Select(s => z.GetUtcOffset(s)).SequenceEqual(expected.Select(e => e!.Value)))?.Id
            ?? (definition.Observances.Select(o => o.OffsetTo).Distinct().Count() == 1
                ? FixedOffsetZone(definition.Observances[0].OffsetTo)
                : null);
    }

    private static string? FixedOffsetZone(TimeSpan offset) =>
        offset.Minutes == 0 && offset.Hours is >= -14 and <= 12
            ? offset == TimeSpan.Zero ? "Etc/UTC" : $"Etc/GMT{(offset.Hours > 0 ? "-" : "+")}{Math.Abs(offset.Hours)}"
            : null;

    private static IEnumerable<DateTime> SampleInstants(Definition definition, int year)
    {
        for (var month = 1; month <= 12; month++)
        {
            yield return new DateTime(year, month, 15, 12, 0, 0, DateTimeKind.Utc);
        }

        foreach (var onset in definition.Observances.Select(o => Onset(o, year)).OfType<DateTime>())
        {
            yield return onset.AddDays(-2);
            yield return onset.AddDays(2);
        }
    }

    /// <summary>The offset in force at <paramref name="instant"/>: the observance whose latest onset (in local wall time, approximately) is the most recent.</summary>
    private static TimeSpan? OffsetAt(Definition definition, DateTime instant)
    {
        if (definition.Observances.Count == 1 || definition.Observances.All(o => o.Month is null))
        {
            return definition.Observances.FirstOrDefault(o => !o.Daylight)?.OffsetTo ?? definition.Observances[0].OffsetTo;
        }

        Observance? latest = null;
        DateTime latestOnset = default;
        foreach (var observance in definition.Observances)
        {
            foreach (var year in new[] { instant.Year - 1, instant.Year })
            {
                if (Onset(observance, year) is { } onset && onset <= instant && (latest is null || onset > latestOnset))
                {
                    (latest, latestOnset) = (observance, onset);
                }
            }
        }

        return latest?.OffsetTo;
    }

    private static DateTime? Onset(Observance observance, int year)
    {
        if (observance.Month is not { } month || observance.Weekday is not { } weekday || observance.WeekdayOrdinal is not { } ordinal)
        {
            return null;
        }

        DateTime day;
        if (ordinal > 0)
        {
            day = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc);
            day = day.AddDays(((int)weekday - (int)day.DayOfWeek + 7) % 7).AddDays(7 * (ordinal - 1));
        }
        else
        {
            day = new DateTime(year, month, DateTime.DaysInMonth(year, month), 0, 0, 0, DateTimeKind.Utc);
            day = day.AddDays(-(((int)day.DayOfWeek - (int)weekday + 7) % 7)).AddDays(7 * (ordinal + 1));
        }

        return day.Month == month ? day + observance.TimeOfDay : null;
    }

    private static TimeSpan? ParseOffset(string value)
    {
        var match = OffsetPattern().Match(value);
        if (!match.Success)
        {
            return null;
        }

        var span = new TimeSpan(int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture), 0);
        return match.Groups[1].Value == "-" ? -span : span;
    }

    private static DayOfWeek? Weekday(string code) => code switch
    {
        "SU" => DayOfWeek.Sunday,
        "MO" => DayOfWeek.Monday,
        "TU" => DayOfWeek.Tuesday,
        "WE" => DayOfWeek.Wednesday,
        "TH" => DayOfWeek.Thursday,
        "FR" => DayOfWeek.Friday,
        "SA" => DayOfWeek.Saturday,
        _ => null,
    };

    [GeneratedRegex(@"BYMONTH=(\d{1,2})")]
    private static partial Regex RulePart();

    [GeneratedRegex(@"BYDAY=([+-]?\d)?(SU|MO|TU|WE|TH|FR|SA)")]
    private static partial Regex ByDay();

    [GeneratedRegex(@"^([+-])(\d{2})(\d{2})")]
    private static partial Regex OffsetPattern();
}
