using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Common;
using Cal.Infrastructure.IntegrationTests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cal.Infrastructure.IntegrationTests.Calendars;

/// <summary>
/// Issue #30 against test doubles of servers Radicale is not: one with neither <c>getctag</c>, <c>sync-token</c> nor
/// sync-collection (revalidated by a <c>getetag</c> listing compared with what is kept), and one whose sync-collection
/// answers <c>507</c> (truncated: asked again from the new token until it is complete).
/// </summary>
public sealed partial class CalDavSyncDoubleTests : FetcherFixture
{
    private static readonly BusyWindow March = new(
        new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero),
        IanaTimeZone.Utc
    );

    /// <summary>A calendar of objects by name (ETag, start hour on 2 March), served at one path, and every request it saw.</summary>
    private sealed partial class FakeCalendar
    {
        public ConcurrentDictionary<string, (string ETag, int Hour)> Objects { get; } = new();

        public ConcurrentQueue<string> Seen { get; } = new();

        public bool Markers { get; init; }

        public bool Sync { get; init; }

        /// <summary>Changes the sync-collection reports after the first round (the second round follows a 507).</summary>
        public List<string> SecondRound { get; } = [];

        public int Version { get; set; }

        public async Task HandleAsync(HttpContext context)
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Path.Value!;
            string Response(string name, string props) =>
                $"<d:response><d:href>{path}/{name}</d:href><d:propstat><d:prop>{props}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>";
            string Multi(string inner) =>
                $"<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\" xmlns:cs=\"http://calendarserver.org/ns/\">{inner}</d:multistatus>";
            string Data(string name) =>
                $"<c:calendar-data>BEGIN:VCALENDAR&#13;\nVERSION:2.0&#13;\nBEGIN:VEVENT&#13;\nUID:{name}&#13;\nDTSTART:20260302T{Objects[name].Hour:D2}0000Z&#13;\nDTEND:20260302T{Objects[name].Hour:D2}3000Z&#13;\nEND:VEVENT&#13;\nEND:VCALENDAR&#13;\n</c:calendar-data>";

            string answer;
            if (context.Request.Method == "PROPFIND")
            {
                Seen.Enqueue("PROPFIND");
                answer = Multi(
                    Markers
                        ? $"<d:response><d:href>{path}</d:href><d:propstat><d:prop><cs:getctag>v{Version}</cs:getctag><d:sync-token>t{Version}</d:sync-token></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
                        : $"<d:response><d:href>{path}</d:href><d:propstat><d:prop><cs:getctag/><d:sync-token/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>"
                );
            }
            else if (body.Contains("sync-collection", StringComparison.Ordinal))
            {
                Seen.Enqueue("sync:" + TokenOf(body));
                if (!Sync)
                {
                    context.Response.StatusCode = 501;
                    return;
                }

                // First round: the first change and a 507 for the collection; the next round (from t-half) the rest.
                var first = TokenOf(body) != "t-half";
                var changes = first ? SecondRound.Take(1) : SecondRound.Skip(1);
                answer = Multi(
                    string.Concat(changes.Select(n => Response(n, $"<d:getetag>{Objects[n].ETag}</d:getetag>")))
                        + (
                            first
                                ? $"<d:response><d:href>{path}</d:href><d:status>HTTP/1.1 507 Insufficient Storage</d:status></d:response>"
                                : ""
                        )
                        + $"<d:sync-token>{(first ? "t-half" : "t" + Version)}</d:sync-token>"
                );
            }
            else if (body.Contains("calendar-multiget", StringComparison.Ordinal))
            {
                var names = HrefPattern().Matches(body).Select(m => m.Groups[1].Value.Split('/')[^1]).ToList();
                Seen.Enqueue($"multiget({names.Count})");
                answer = Multi(
                    string.Concat(
                        names.Where(Objects.ContainsKey).Select(n => Response(n, $"<d:getetag>{Objects[n].ETag}</d:getetag>{Data(n)}"))
                    )
                );
            }
            else
            {
                Seen.Enqueue("listing");
                answer = Multi(string.Concat(Objects.Keys.Order().Select(n => Response(n, $"<d:getetag>{Objects[n].ETag}</d:getetag>"))));
            }

            context.Response.StatusCode = 207;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync(answer);
        }

        private static string TokenOf(string body) => TokenPattern().Match(body).Groups[1].Value;

        [GeneratedRegex(@"<d:href>([^<]*)</d:href>")]
        private static partial Regex HrefPattern();

        [GeneratedRegex(@"<d:sync-token>([^<]*)</d:sync-token>")]
        private static partial Regex TokenPattern();
    }

    private (ICalDavCalendars Calendars, FakeTimeProvider Clock, CalDavCalendarRef Ref) Serve(FakeCalendar calendar)
    {
        var url = Odd.Map(calendar.HandleAsync, "calendar");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var calendars = Host(new Dictionary<string, string?>(), services => services.AddSingleton<TimeProvider>(clock))
            .Get<ICalDavCalendars>();
        return (calendars, clock, new CalDavCalendarRef(1, 1, new CalDavAccount(new Uri(url), "alice", "pw"), url));
    }

    private static async Task<List<int>> HoursAsync(ICalDavCalendars calendars, CalDavCalendarRef calendar)
    {
        var index = await calendars.GetIndexAsync(calendar, CancellationToken.None);
        Assert.That(index.Failure, Is.Null, index.Failure?.Message);
        return index
            .Value!.Read(March, BusyTimeBudget.Default.StartingNow(), CancellationToken.None)
            .Intervals.Select(i => i.Start.Hour)
            .ToList();
    }

    [Test]
    public async Task AServerWithoutChangeMarkersOrSyncCollection_IsRevalidatedByAListing_FetchingOnlyWhatChanged()
    {
        var server = new FakeCalendar();
        server.Objects["a.ics"] = ("\"1\"", 9);
        server.Objects["b.ics"] = ("\"1\"", 10);
        server.Objects["c.ics"] = ("\"1\"", 11);
        var (calendars, clock, calendar) = Serve(server);

        Assert.That(await HoursAsync(calendars, calendar), Is.EqualTo(new[] { 9, 10, 11 }));
        server.Objects["b.ics"] = ("\"2\"", 14); // changed
        server.Objects.TryRemove("c.ics", out _); // deleted
        server.Objects["d.ics"] = ("\"1\"", 16); // added
        server.Seen.Clear();
        clock.Advance(TimeSpan.FromSeconds(61));

        Assert.That(await HoursAsync(calendars, calendar), Is.EqualTo(new[] { 9, 14, 16 }));
        Assert.That(
            server.Seen,
            Is.EqualTo(new[] { "PROPFIND", "listing", "multiget(2)" }),
            "the listing compared with what is kept: only b and d fetched"
        );
    }

    [Test]
    public async Task ASyncCollectionThatAnswers507_IsAskedAgainFromTheNewToken_UntilComplete()
    {
        var server = new FakeCalendar { Markers = true, Sync = true };
        server.Objects["a.ics"] = ("\"1\"", 9);
        server.Objects["b.ics"] = ("\"1\"", 10);
        var (calendars, clock, calendar) = Serve(server);
        await HoursAsync(calendars, calendar);

        server.Objects["a.ics"] = ("\"2\"", 12);
        server.Objects["b.ics"] = ("\"2\"", 13);
        server.SecondRound.AddRange(["a.ics", "b.ics"]);
        server.Version = 2;
        server.Seen.Clear();
        clock.Advance(TimeSpan.FromSeconds(61));

        Assert.That(await HoursAsync(calendars, calendar), Is.EqualTo(new[] { 12, 13 }));
        Assert.That(
            server.Seen,
            Is.EqualTo(new[] { "PROPFIND", "sync:t0", "sync:t-half", "multiget(2)" }),
            "the 507 answer, then the rest from its token"
        );
        server.Seen.Clear();
        clock.Advance(TimeSpan.FromSeconds(61));
        await HoursAsync(calendars, calendar);
        Assert.That(server.Seen, Is.EqualTo(new[] { "PROPFIND" }), "the final token and ctag were kept: unchanged now");
    }
}
