namespace Cal.Testing;

/// <summary>
/// iCalendar files kept in the repository (from the Ical.Net project, MIT; see Samples/LICENSE-ical.net.md)
/// and a few written for Cal.
/// </summary>
public static class IcsSamples
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Samples");

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Directory, relativePath));

    public static IEnumerable<string> All(string folder) =>
        System
            .IO.Directory.EnumerateFiles(Path.Combine(Directory, folder), "*.ics")
            .Order(StringComparer.Ordinal)
            .Select(f => Path.GetRelativePath(Directory, f));

    /// <summary>A small valid calendar with one event and a name.</summary>
    public static string Simple(string name = "Team", string uid = "1") =>
        Ics.NamedCalendar(name, Ics.Event(uid, "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z", "SUMMARY:Standup"));
}
