using System.Net;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Reliability;

/// <summary>
/// Issue #32's durability: the built server is killed (SIGKILL) between a booking's 201 and its webhook delivery (the
/// receiver held the first attempt open, so it never finished); after a restart the delivery is made again when the
/// crashed attempt's lease runs out, with the same <c>X-Cal-Webhook-Id</c> and the same bytes, and then no more.
/// </summary>
[NonParallelizable]
public sealed class WebhookCrashTests
{
    [Test]
    public async Task KilledBeforeTheDeliveryFinished_TheRestartDeliversIt_WithTheSameId()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var hang = new TaskCompletionSource();
        receiver.Answer = async (n, context) =>
        {
            if (n == 0)
            {
                hang.TrySetResult();
                await Task.Delay(Timeout.Infinite, context.RequestAborted); // the first attempt never ends
            }

            return 200;
        };
        var folder = Path.Combine(Path.GetTempPath(), "cal-tests", "webhook-crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(folder, "cal.db")}",
            ["DataProtection:KeysPath"] = Path.Combine(folder, "keys"),
            ["Outbound:AllowedHosts:0"] = receiver.AllowedHost,
            ["Outbox:LeaseDuration"] = "00:00:02", // a crash mid-attempt frees the item this soon
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["FeedCache:WarmUp"] = "false",
        };
        var admin = settings.Select(s => $"--{s.Key}={s.Value}").ToArray();
        await WebApiProcess.RunAsync(
            WebApiProcess.Dll(),
            ["users", "create", "--email", "alice@example.com", "--time-zone", "Europe/Berlin", .. admin]
        );
        var (_, keyOut, _) = await WebApiProcess.RunAsync(
            WebApiProcess.Dll(),
            ["api-keys", "create", "--email", "alice@example.com", .. admin]
        );
        var key = keyOut.Trim();

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
            var created = await host.PostAsync(
                "/v2/webhooks",
                Json.Body(
                    new
                    {
                        subscriberUrl = receiver.Url(),
                        triggers = new[] { "BOOKING_CREATED" },
                        active = true,
                        secret = "crash",
                    }
                )
            );
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
            using var anonymous = first.Client();
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
            await hang.Task.WaitAsync(TimeSpan.FromSeconds(15));
            first.Kill(); // the attempt under way dies with the process
        }

        using var second = await RunningServer.StartAsync(settings);
        var requests = await receiver.WaitForAsync(2, TimeSpan.FromSeconds(20));
        await Task.Delay(2500); // a third request, if any, would have come by now

        Assert.That(receiver.Received, Has.Count.EqualTo(2), "the crashed attempt, then one delivery after the restart");
        Assert.That(
            requests.Select(r => r.Header("X-Cal-Webhook-Id")).Distinct().Count(),
            Is.EqualTo(1),
            "the same delivery id: a receiver can drop the repeat"
        );
        Assert.That(requests[1].Text, Is.EqualTo(requests[0].Text));
        Assert.That(requests.All(r => r.SignedWith("crash")));
        second.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException) { }
    }
}
