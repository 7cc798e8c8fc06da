using System.Diagnostics;
using System.Net;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Reliability;

/// <summary>
/// Issue #31.7's durability: the built server is killed (SIGKILL) right after answering 201 for a booking, before its
/// calendar event could be written (the calendar server was down: the worker's attempt had not got through); after a
/// restart the event is written, exactly once.
/// </summary>
[NonParallelizable]
public sealed class BookingCrashTests
{
    private static string Outbox(string folder)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, "cal.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Kind, Attempts, LastResult, CompletedAt IS NOT NULL, FailedAt IS NOT NULL, LeaseUntil FROM Outbox";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(
                string.Join(
                    "|",
                    Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : reader.GetValue(i).ToString())
                )
            );
        }

        return string.Join("; ", rows);
    }

    [Test]
    public async Task KilledAfterThe201_BeforeTheEventWasWritten_TheRestartWritesItExactlyOnce()
    {
        using var radicale =
            RadicaleServer.TryStart(("alice", "alice-pw"))
            ?? throw new InconclusiveException("radicale is not installed (apt-get install radicale); .ci/run installs it.");
        var calendar = await radicale.CreateCalendarAsync("alice", "work", "Work");
        var folder = Path.Combine(Path.GetTempPath(), "cal-tests", "crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(folder, "cal.db")}",
            ["DataProtection:KeysPath"] = Path.Combine(folder, "keys"),
            ["Outbound:AllowedHosts:0"] = radicale.AllowedHost,
            ["Outbound:FeedTimeout"] = "00:00:02",
            ["Outbox:RetryDelays:0"] = "00:00:01",
            ["Outbox:RetryDelays:1"] = "00:00:01",
            ["Outbox:RetryDelays:2"] = "00:00:01",
            ["Outbox:LeaseDuration"] = "00:00:02", // a crash mid-attempt frees the item this soon
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["FeedCache:WarmUp"] = "false",
        };
        var admin = settings.Select(s => $"--{s.Key}={s.Value}").ToArray();
        var (_, _, _) = await WebApiProcess.RunAsync(
            WebApiProcess.Dll(),
            ["users", "create", "--email", "alice@example.com", "--time-zone", "Europe/Berlin", .. admin]
        );
        var (_, keyOut, _) = await WebApiProcess.RunAsync(
            WebApiProcess.Dll(),
            ["api-keys", "create", "--email", "alice@example.com", .. admin]
        );
        var key = keyOut.Trim();

        string icsUid;
        using (var first = await RunningServer.StartAsync(settings))
        {
            using var host = first.Client(key);
            Assert.That(
                (
                    await host.PostAsync(
                        "/v2/schedules",
                        Json.Body(
                            new
                            {
                                name = "Work",
                                timeZone = "Europe/Berlin",
                                isDefault = true,
                            }
                        )
                    )
                ).StatusCode,
                Is.EqualTo(HttpStatusCode.Created)
            );
            var eventTypeId = (
                await Json.ReadAsync(
                    await host.PostAsync(
                        "/v2/event-types",
                        Json.Body(
                            new
                            {
                                title = "Call",
                                slug = "call",
                                lengthInMinutes = 30,
                            }
                        )
                    )
                )
            ).GetProperty("data").GetProperty("id").GetInt32();
            Assert.That(
                (
                    await host.PostAsync(
                        "/v2/calendars/caldav/credentials",
                        Json.Body(
                            new
                            {
                                url = radicale.BaseAddress.ToString(),
                                username = "alice",
                                password = "alice-pw",
                            }
                        )
                    )
                ).StatusCode,
                Is.EqualTo(HttpStatusCode.Created)
            );
            Assert.That(
                (
                    await host.PutAsync(
                        "/v2/destination-calendars",
                        Json.Body(new { integration = "caldav_calendar", externalId = calendar.AbsoluteUri })
                    )
                ).StatusCode,
                Is.EqualTo(HttpStatusCode.OK)
            );
            using var anonymous = first.Client();
            Assert.That(
                (await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-03-29&end=2027-03-29")).StatusCode,
                Is.EqualTo(HttpStatusCode.OK),
                "the calendar kept"
            );

            radicale.StopServing();
            var booked = await anonymous.PostAsync(
                "/v2/bookings",
                Json.Body(
                    new
                    {
                        start = "2027-03-29T07:00:00Z",
                        eventTypeId,
                        attendee = new
                        {
                            name = "Bob",
                            email = "bob@example.org",
                            timeZone = "UTC",
                        },
                    }
                )
            );
            Assert.That(booked.StatusCode, Is.EqualTo(HttpStatusCode.Created), await booked.Content.ReadAsStringAsync());
            icsUid = (await Json.ReadAsync(booked)).GetProperty("data").GetProperty("icsUid").GetString()!;
            first.Kill(); // right after the 201: the event has not reached the calendar
        }

        radicale.StartAgain();
        Assert.That(await radicale.ListObjectsAsync("alice", calendar), Is.Empty, "nothing was written before the crash");
        using var second = await RunningServer.StartAsync(settings);

        var watch = Stopwatch.StartNew();
        IReadOnlyList<string> objects = [];
        while (watch.Elapsed < TimeSpan.FromSeconds(15) && objects.Count == 0)
        {
            await Task.Delay(200);
            objects = await radicale.ListObjectsAsync("alice", calendar);
        }

        Assert.That(objects, Has.Count.EqualTo(1), "written after the restart; outbox: " + Outbox(folder));
        Assert.That(await radicale.GetObjectAsync("alice", new Uri(calendar, objects[0])), Does.Contain("UID:" + icsUid));
        await Task.Delay(1500); // any second performance would have happened by now
        Assert.That(await radicale.CountRequestsSettledAsync("PUT"), Is.EqualTo(1), "exactly once");
        second.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException) { }
    }
}
