using System.Net;
using System.Text.Json;
using Cal.Domain.Webhooks;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Webhooks;

/// <summary>
/// Issue #32 through the host, with real loopback receivers: cal.com's webhook routes and shapes, deliveries signed over
/// their exact bytes (checked with the receiver's own HMAC), each trigger's body, retries with one
/// <c>X-Cal-Webhook-Id</c>, the 10 s attempt, redirects not followed, the outbound policy at create and at connect time,
/// order, templates, the deliveries list and redelivery, and switching off a webhook that only fails.
/// </summary>
public sealed class WebhooksTests
{
    private const string Monday = "2027-03-29";

    private WebhookReceiver receiver = null!;
    private CalApiFactory api = null!;
    private HttpClient host = null!;
    private HttpClient anonymous = null!;
    private int eventTypeId;

    private async Task StartAsync(Dictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Outbound:AllowedHosts:0"] = receiver.AllowedHost,
            ["Webhooks:RetryDelays:0"] = "00:00:00.200",
            ["Webhooks:RetryDelays:1"] = "00:00:00.200",
            ["Webhooks:RetryDelays:2"] = "00:00:00.200",
            ["Webhooks:RetryDelays:3"] = "00:00:00.200",
            ["Outbox:PollInterval"] = "00:00:00.100",
        };
        foreach (var (name, value) in overrides ?? [])
        {
            settings[name] = value;
        }

        api = new CalApiFactory(overrides: settings);
        var (_, key) = await api.CreateUserWithKeyAsync("alice@example.com");
        host = api.CreateAuthorizedClient(key);
        anonymous = api.CreateClient();
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
        eventTypeId = (
            await Json.ReadAsync(
                await host.PostAsync(
                    "/v2/event-types",
                    Json.Body(
                        new
                        {
                            title = "30 min",
                            slug = "30-min",
                            lengthInMinutes = 30,
                        }
                    )
                )
            )
        ).GetProperty("data").GetProperty("id").GetInt32();
    }

    [SetUp]
    public async Task SetUp() => receiver = await WebhookReceiver.StartAsync();

    [TearDown]
    public async Task TearDown()
    {
        host?.Dispose();
        anonymous?.Dispose();
        if (api is not null)
        {
            await api.DisposeAsync();
            api.DeleteData();
        }

        await receiver.DisposeAsync();
    }

    private async Task<JsonElement> CreateWebhookAsync(
        object body,
        string path = "/v2/webhooks",
        HttpStatusCode expected = HttpStatusCode.Created
    )
    {
        var response = await host.PostAsync(path, Json.Body(body));
        var json = await Json.ReadAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(expected), json.ToString());
        return json;
    }

    private async Task<JsonElement> BookAsync(string start, string name = "Bob", object? metadata = null)
    {
        var response = await anonymous.PostAsync(
            "/v2/bookings",
            Json.Body(
                new
                {
                    start,
                    eventTypeId,
                    attendee = new
                    {
                        name,
                        email = "bob@example.org",
                        timeZone = "America/New_York",
                        language = "fr",
                    },
                    metadata = metadata ?? new { source = "test" },
                }
            )
        );
        var json = await Json.ReadAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), json.ToString());
        return json.GetProperty("data");
    }

    private async Task<JsonElement> DeliveriesAsync(string webhookId, HttpClient? client = null) =>
        (await Json.ReadAsync(await (client ?? host).GetAsync($"/v2/webhooks/{webhookId}/deliveries"))).GetProperty("data");

    private static async Task<JsonElement> EventuallyAsync(
        Func<Task<JsonElement>> read,
        Func<JsonElement, bool> done,
        TimeSpan? timeout = null
    )
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > until)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }

    [Test]
    public async Task UserAndEventTypeWebhooks_HaveCalComsRoutesAndShapes_AndAnotherUsersAre404()
    {
        await StartAsync();
        var created = (
            await CreateWebhookAsync(
                new
                {
                    subscriberUrl = receiver.Url(),
                    triggers = new[] { "BOOKING_CREATED", "BOOKING_CANCELLED" },
                    active = true,
                    secret = "s3cret",
                }
            )
        ).GetProperty("data");
        Assert.That(
            created.EnumerateObject().Select(p => p.Name),
            Is.EquivalentTo(new[] { "id", "subscriberUrl", "triggers", "active", "payloadTemplate", "secret", "userId" })
        );
        Assert.That(created.GetProperty("id").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That((created.GetProperty("secret").GetString(), created.GetProperty("active").GetBoolean()), Is.EqualTo(("s3cret", true)));
        var id = created.GetProperty("id").GetString()!;

        await Json.AssertErrorEnvelopeAsync(
            await host.PostAsync(
                "/v2/webhooks",
                Json.Body(
                    new
                    {
                        subscriberUrl = receiver.Url(),
                        triggers = new[] { "BOOKING_CREATED" },
                        active = true,
                    }
                )
            ),
            409,
            "ConflictException"
        );
        var listed = (await Json.ReadAsync(await host.GetAsync("/v2/webhooks"))).GetProperty("data");
        Assert.That(listed.GetArrayLength(), Is.EqualTo(1));

        var patched = (
            await Json.ReadAsync(
                await host.PatchAsync($"/v2/webhooks/{id}", Json.Body(new { active = false, triggers = new[] { "BOOKING_RESCHEDULED" } }))
            )
        ).GetProperty("data");
        Assert.That(
            (
                patched.GetProperty("active").GetBoolean(),
                patched.GetProperty("triggers")[0].GetString(),
                patched.GetProperty("secret").GetString()
            ),
            Is.EqualTo((false, "BOOKING_RESCHEDULED", "s3cret"))
        );
        Assert.That(
            (await Json.ReadAsync(await host.GetAsync($"/v2/webhooks/{id}"))).GetProperty("data").GetProperty("active").GetBoolean(),
            Is.False
        );

        var forEventType = (
            await CreateWebhookAsync(
                new
                {
                    subscriberUrl = receiver.Url("et"),
                    triggers = new[] { "BOOKING_CREATED" },
                    active = true,
                },
                $"/v2/event-types/{eventTypeId}/webhooks"
            )
        ).GetProperty("data");
        Assert.That(forEventType.GetProperty("eventTypeId").GetInt32(), Is.EqualTo(eventTypeId));
        Assert.That(forEventType.TryGetProperty("userId", out _), Is.False);
        Assert.That(forEventType.GetProperty("secret").ValueKind, Is.EqualTo(JsonValueKind.Null));
        var etId = forEventType.GetProperty("id").GetString();
        await Json.AssertErrorEnvelopeAsync(await host.GetAsync($"/v2/webhooks/{etId}"), 404, "NotFoundException"); // not a user webhook

        // Another user: neither webhook, nor the event type.
        var (_, otherKey) = await api.CreateUserWithKeyAsync();
        using var other = api.CreateAuthorizedClient(otherKey);
        var notFound = await Json.AssertErrorEnvelopeAsync(await other.GetAsync($"/v2/webhooks/{id}"), 404, "NotFoundException");
        Assert.That(notFound.GetProperty("message").GetString(), Is.EqualTo($"Webhook ({id}) not found"));
        await Json.AssertErrorEnvelopeAsync(
            await other.PatchAsync($"/v2/webhooks/{id}", Json.Body(new { active = true })),
            404,
            "NotFoundException"
        );
        await Json.AssertErrorEnvelopeAsync(await other.DeleteAsync($"/v2/webhooks/{id}"), 404, "NotFoundException");
        await Json.AssertErrorEnvelopeAsync(await other.GetAsync($"/v2/webhooks/{id}/deliveries"), 404, "NotFoundException");
        await Json.AssertErrorEnvelopeAsync(await other.GetAsync($"/v2/event-types/{eventTypeId}/webhooks"), 404, "NotFoundException");
        await Json.AssertErrorEnvelopeAsync(await other.DeleteAsync($"/v2/event-types/{eventTypeId}/webhooks"), 404, "NotFoundException");
        Assert.That((await Json.ReadAsync(await other.GetAsync("/v2/webhooks"))).GetProperty("data").GetArrayLength(), Is.Zero);
        await Json.AssertErrorEnvelopeAsync(await anonymous.GetAsync("/v2/webhooks"), 401, "UnauthorizedException");

        var deletedAll = await Json.ReadAsync(await host.DeleteAsync($"/v2/event-types/{eventTypeId}/webhooks"));
        Assert.That(deletedAll.GetProperty("data").GetString(), Is.EqualTo("1 webhooks deleted"));
        var deleted = await host.DeleteAsync($"/v2/webhooks/{id}");
        Assert.That((await Json.ReadAsync(deleted)).GetProperty("data").GetProperty("id").GetString(), Is.EqualTo(id));
        await Json.AssertErrorEnvelopeAsync(await host.GetAsync($"/v2/webhooks/{id}"), 404, "NotFoundException");
    }

    [Test]
    public async Task DeletingAnEventType_DeletesItsWebhooks_AndOneWithBookingsIsRefusedWith409()
    {
        await StartAsync();
        await CreateWebhookAsync(
            new
            {
                subscriberUrl = receiver.Url(),
                triggers = new[] { "BOOKING_CREATED" },
                active = true,
            },
            $"/v2/event-types/{eventTypeId}/webhooks"
        );
        var spare = (
            await Json.ReadAsync(
                await host.PostAsync(
                    "/v2/event-types",
                    Json.Body(
                        new
                        {
                            title = "Spare",
                            slug = "spare",
                            lengthInMinutes = 15,
                        }
                    )
                )
            )
        ).GetProperty("data").GetProperty("id").GetInt32();
        await CreateWebhookAsync(
            new
            {
                subscriberUrl = receiver.Url(),
                triggers = new[] { "BOOKING_CREATED" },
                active = true,
            },
            $"/v2/event-types/{spare}/webhooks"
        );

        Assert.That((await host.DeleteAsync($"/v2/event-types/{spare}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(
            await api.WithDbAsync(db => Task.FromResult(db.Webhooks.Count())),
            Is.EqualTo(1),
            "the deleted event type's webhook went with it"
        );

        await BookAsync($"{Monday}T07:00:00Z");
        var refused = await Json.AssertErrorEnvelopeAsync(
            await host.DeleteAsync($"/v2/event-types/{eventTypeId}"),
            409,
            "ConflictException"
        );
        Assert.That(refused.GetProperty("message").GetString(), Does.Contain("has bookings"));
        Assert.That(await api.WithDbAsync(db => Task.FromResult(db.Webhooks.Count())), Is.EqualTo(1), "nothing deleted");
    }

    [Test]
    public async Task BadInput_IsRefusedWithTheFieldNamed()
    {
        await StartAsync();
        await using var notAllowed = await WebhookReceiver.StartAsync();

        var trigger = await Json.AssertErrorEnvelopeAsync(
            await host.PostAsync(
                "/v2/webhooks",
                Json.Body(
                    new
                    {
                        subscriberUrl = receiver.Url(),
                        triggers = new[] { "MEETING_ENDED" },
                        active = true,
                    }
                )
            ),
            400,
            "BadRequestException"
        );
        Assert.That(trigger.GetProperty("message").GetString(), Does.Contain("BOOKING_CREATED, BOOKING_RESCHEDULED, BOOKING_CANCELLED"));
        var port = await Json.AssertErrorEnvelopeAsync(
            await host.PostAsync(
                "/v2/webhooks",
                Json.Body(
                    new
                    {
                        subscriberUrl = notAllowed.Url(),
                        triggers = new[] { "BOOKING_CREATED" },
                        active = true,
                    }
                )
            ),
            400,
            "BadRequestException"
        );
        Assert.That(port.GetProperty("message").GetString(), Does.Contain("loopback"));
        var byName = await Json.AssertErrorEnvelopeAsync(
            await host.PostAsync(
                "/v2/webhooks",
                Json.Body(
                    new
                    {
                        subscriberUrl = $"http://localhost:{notAllowed.Port}/hook",
                        triggers = new[] { "BOOKING_CREATED" },
                        active = true,
                    }
                )
            ),
            400,
            "BadRequestException"
        );
        Assert.That(byName.GetProperty("message").GetString(), Does.Contain("loopback"));
        foreach (var url in new[] { "ftp://127.0.0.1/x", "file:///etc/passwd", "not a url", "", "/relative" })
        {
            var error = await Json.AssertErrorEnvelopeAsync(
                await host.PostAsync(
                    "/v2/webhooks",
                    Json.Body(
                        new
                        {
                            subscriberUrl = url,
                            triggers = new[] { "BOOKING_CREATED" },
                            active = true,
                        }
                    )
                ),
                400,
                "BadRequestException"
            );
            Assert.That(Json.ErrorFields(error), Does.Contain("subscriberUrl"), url);
        }

        var noActive = await Json.AssertErrorEnvelopeAsync(
            await host.PostAsync("/v2/webhooks", Json.Body(new { subscriberUrl = receiver.Url(), triggers = new[] { "BOOKING_CREATED" } })),
            400,
            "BadRequestException"
        );
        Assert.That(Json.ErrorFields(noActive), Does.Contain("active"));
        var empty = await Json.AssertErrorEnvelopeAsync(
            await host.PostAsync(
                "/v2/webhooks",
                Json.Body(
                    new
                    {
                        subscriberUrl = receiver.Url(),
                        triggers = Array.Empty<string>(),
                        active = true,
                    }
                )
            ),
            400,
            "BadRequestException"
        );
        Assert.That(Json.ErrorFields(empty), Does.Contain("triggers"));
        await Json.AssertErrorEnvelopeAsync(
            await host.PostAsync(
                "/v2/webhooks",
                Json.Body(
                    new
                    {
                        subscriberUrl = receiver.Url(),
                        triggers = "BOOKING_CREATED",
                        active = true,
                    }
                )
            ),
            400,
            "BadRequestException"
        );
        await Json.AssertErrorEnvelopeAsync(
            await host.PostAsync(
                "/v2/webhooks",
                Json.Body(
                    new
                    {
                        subscriberUrl = receiver.Url(),
                        triggers = new[] { "BOOKING_CREATED" },
                        active = true,
                        eventTriggers = new[] { "X" },
                    }
                )
            ),
            400,
            "BadRequestException"
        );
        await Json.AssertErrorEnvelopeAsync(
            await host.PostAsync(
                "/v2/event-types/999999/webhooks",
                Json.Body(
                    new
                    {
                        subscriberUrl = receiver.Url(),
                        triggers = new[] { "BOOKING_CREATED" },
                        active = true,
                    }
                )
            ),
            404,
            "NotFoundException"
        );
        Assert.That(await api.WithDbAsync(db => Task.FromResult(db.Webhooks.Count())), Is.Zero, "nothing half-made");
    }

    [Test]
    public async Task EachTriggersBody_HasCalComsFields_SignedOverItsExactBytes_InOrder()
    {
        await StartAsync();
        var signed = (
            await CreateWebhookAsync(
                new
                {
                    subscriberUrl = receiver.Url("signed"),
                    triggers = WebhookTriggers.Supported,
                    active = true,
                    secret = "whsec-Ω-1",
                }
            )
        ).GetProperty("data");
        await CreateWebhookAsync(
            new
            {
                subscriberUrl = receiver.Url("unsigned"),
                triggers = new[] { "BOOKING_CREATED" },
                active = true,
            },
            $"/v2/event-types/{eventTypeId}/webhooks"
        );

        var booking = await BookAsync($"{Monday}T07:00:00Z", metadata: new { source = "test" });
        var moved = (
            await Json.ReadAsync(
                await anonymous.PostAsync(
                    $"/v2/bookings/{booking.GetProperty("uid").GetString()}/reschedule",
                    Json.Body(new { start = $"{Monday}T09:00:00Z", reschedulingReason = "Clash" })
                )
            )
        ).GetProperty("data");
        var cancelled = await anonymous.PostAsync(
            $"/v2/bookings/{moved.GetProperty("uid").GetString()}/cancel",
            Json.Body(new { cancellationReason = "Ill" })
        );
        Assert.That(cancelled.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var all = await receiver.WaitForAsync(4);
        var toSigned = all.Where(r => r.Path == "/signed").ToList();
        var toUnsigned = all.Single(r => r.Path == "/unsigned");
        Assert.That(
            toSigned.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("triggerEvent").GetString()),
            Is.EqualTo(new[] { "BOOKING_CREATED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED" }),
            "in the order the changes were made"
        );
        Assert.That(toSigned.All(r => r.SignedWith("whsec-Ω-1")), "the receiver's own HMAC of the exact bytes matches");
        Assert.That(toSigned.Any(r => r.SignedWith("another")), Is.False);
        Assert.That(toUnsigned.Header("X-Cal-Signature-256"), Is.EqualTo("no-secret-provided"));
        Assert.That(
            all.Select(r => (r.ContentType, r.Header("X-Cal-Webhook-Version"))).Distinct(),
            Is.EqualTo(new[] { ("application/json", "2021-10-20") })
        );
        Assert.That(all.Select(r => r.Header("X-Cal-Webhook-Id")).Distinct().Count(), Is.EqualTo(4), "one id per delivery");

        // BOOKING_CREATED, checked field by field.
        var created = JsonDocument.Parse(toSigned[0].Body).RootElement;
        Assert.That(created.GetProperty("createdAt").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"));
        var p = created.GetProperty("payload");
        Assert.That(
            (p.GetProperty("type").GetString(), p.GetProperty("title").GetString()),
            Is.EqualTo(("30-min", "30 min between alice@example.com and Bob"))
        );
        Assert.That(
            (p.GetProperty("startTime").GetString(), p.GetProperty("endTime").GetString()),
            Is.EqualTo(("2027-03-29T07:00:00Z", "2027-03-29T07:30:00Z"))
        );
        var organizer = p.GetProperty("organizer");
        Assert.That(
            (
                organizer.GetProperty("id").GetInt32(),
                organizer.GetProperty("email").GetString(),
                organizer.GetProperty("username").GetString(),
                organizer.GetProperty("timeZone").GetString()
            ),
            Is.EqualTo(
                (booking.GetProperty("hosts")[0].GetProperty("id").GetInt32(), "alice@example.com", "alice-example-com", "Europe/Berlin")
            )
        );
        Assert.That(organizer.GetProperty("name").GetString(), Is.EqualTo("alice@example.com"));
        Assert.That(organizer.GetProperty("language").GetProperty("locale").GetString(), Is.EqualTo("en"));
        var attendee = p.GetProperty("attendees")[0];
        Assert.That(
            (
                attendee.GetProperty("name").GetString(),
                attendee.GetProperty("email").GetString(),
                attendee.GetProperty("timeZone").GetString(),
                attendee.GetProperty("language").GetProperty("locale").GetString()
            ),
            Is.EqualTo(("Bob", "bob@example.org", "America/New_York", "fr"))
        );
        Assert.That(
            (p.GetProperty("uid").GetString(), p.GetProperty("bookingId").GetInt32(), p.GetProperty("eventTypeId").GetInt32()),
            Is.EqualTo((booking.GetProperty("uid").GetString(), booking.GetProperty("id").GetInt32(), eventTypeId))
        );
        Assert.That(
            (p.GetProperty("iCalUID").GetString(), p.GetProperty("iCalSequence").GetInt32()),
            Is.EqualTo((booking.GetProperty("icsUid").GetString(), 0))
        );
        Assert.That((p.GetProperty("status").GetString(), p.GetProperty("length").GetInt32()), Is.EqualTo(("ACCEPTED", 30)));
        Assert.That(p.GetProperty("metadata").GetProperty("source").GetString(), Is.EqualTo("test"));
        Assert.That(p.GetProperty("responses").GetProperty("name").GetProperty("value").GetString(), Is.EqualTo("Bob"));
        Assert.That(p.GetProperty("responses").GetProperty("email").GetProperty("value").GetString(), Is.EqualTo("bob@example.org"));

        var rescheduled = JsonDocument.Parse(toSigned[1].Body).RootElement.GetProperty("payload");
        Assert.That(
            (
                rescheduled.GetProperty("uid").GetString(),
                rescheduled.GetProperty("bookingId").GetInt32(),
                rescheduled.GetProperty("startTime").GetString()
            ),
            Is.EqualTo((moved.GetProperty("uid").GetString(), moved.GetProperty("id").GetInt32(), "2027-03-29T09:00:00Z"))
        );
        Assert.That(
            (rescheduled.GetProperty("rescheduleUid").GetString(), rescheduled.GetProperty("rescheduleId").GetInt32()),
            Is.EqualTo((booking.GetProperty("uid").GetString(), booking.GetProperty("id").GetInt32()))
        );
        Assert.That(
            (rescheduled.GetProperty("rescheduleStartTime").GetString(), rescheduled.GetProperty("rescheduleEndTime").GetString()),
            Is.EqualTo(("2027-03-29T07:00:00Z", "2027-03-29T07:30:00Z"))
        );

        var cancellation = JsonDocument.Parse(toSigned[2].Body).RootElement.GetProperty("payload");
        Assert.That(
            (
                cancellation.GetProperty("uid").GetString(),
                cancellation.GetProperty("status").GetString(),
                cancellation.GetProperty("cancellationReason").GetString()
            ),
            Is.EqualTo((moved.GetProperty("uid").GetString(), "CANCELLED", "Ill"))
        );

        var deliveries = await EventuallyAsync(
            () => DeliveriesAsync(signed.GetProperty("id").GetString()!),
            d => d.EnumerateArray().All(x => x.GetProperty("status").GetString() == "delivered")
        );
        Assert.That(
            deliveries
                .EnumerateArray()
                .Select(d =>
                    (
                        d.GetProperty("triggerEvent").GetString(),
                        d.GetProperty("status").GetString(),
                        d.GetProperty("attempts").GetInt32(),
                        d.GetProperty("lastStatus").GetInt32()
                    )
                ),
            Is.EqualTo(
                new[]
                {
                    ("BOOKING_CANCELLED", "delivered", 1, 200),
                    ("BOOKING_RESCHEDULED", "delivered", 1, 200),
                    ("BOOKING_CREATED", "delivered", 1, 200),
                }
            ),
            "newest first"
        );
        Assert.That(deliveries[0].GetProperty("id").GetString(), Is.EqualTo(toSigned[2].Header("X-Cal-Webhook-Id")));
    }

    [Test]
    public async Task AReceiverThatFailsThreeTimes_GetsTheFourthAttempt_WithOneWebhookIdAndTheSameBytes()
    {
        await StartAsync();
        receiver.Answer = (n, _) => Task.FromResult(n < 3 ? 500 : 200);
        var webhook = (
            await CreateWebhookAsync(
                new
                {
                    subscriberUrl = receiver.Url(),
                    triggers = new[] { "BOOKING_CREATED" },
                    active = true,
                    secret = "k",
                }
            )
        ).GetProperty("data");
        await BookAsync($"{Monday}T07:00:00Z");

        var requests = await receiver.WaitForAsync(4);
        var delivery = await EventuallyAsync(
            () => DeliveriesAsync(webhook.GetProperty("id").GetString()!),
            d => d[0].GetProperty("status").GetString() == "delivered"
        );

        Assert.That(requests.Select(r => r.Header("X-Cal-Webhook-Id")).Distinct().Count(), Is.EqualTo(1));
        Assert.That(
            requests.Select(r => Convert.ToBase64String(r.Body)).Distinct().Count(),
            Is.EqualTo(1),
            "every attempt sends the same bytes"
        );
        Assert.That(requests.All(r => r.SignedWith("k")));
        Assert.That(
            (delivery[0].GetProperty("attempts").GetInt32(), delivery[0].GetProperty("lastStatus").GetInt32()),
            Is.EqualTo((4, 200))
        );
        await Task.Delay(600);
        Assert.That(receiver.Received, Has.Count.EqualTo(4), "nothing more once delivered");
    }

    [Test]
    public async Task AReceiverThatHangs_HasItsAttemptEndedAtTenSeconds_AndSeesTheSameIdAgain()
    {
        // The receiver has the first delivery (it processed it) but answers too late: the retry carries the same
        // X-Cal-Webhook-Id and bytes, which is what a receiver deduplicates by (README, "Webhooks").
        await StartAsync(new() { ["Webhooks:RetryDelays:0"] = "00:00:00.200" });
        var calls = 0;
        receiver.Answer = async (_, context) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }

            return 200;
        };
        var webhook = (
            await CreateWebhookAsync(
                new
                {
                    subscriberUrl = receiver.Url(),
                    triggers = new[] { "BOOKING_CREATED" },
                    active = true,
                }
            )
        ).GetProperty("data");
        await BookAsync($"{Monday}T07:00:00Z");
        var arrived = (await receiver.WaitForAsync(1))[0].At;

        var requests = await receiver.WaitForAsync(2, TimeSpan.FromSeconds(30));
        var retried = requests[1].At;
        var delivery = await EventuallyAsync(
            () => DeliveriesAsync(webhook.GetProperty("id").GetString()!),
            d => d[0].GetProperty("status").GetString() == "delivered",
            TimeSpan.FromSeconds(30)
        );

        Assert.That((retried - arrived).TotalSeconds, Is.InRange(8.5, 12.5), "the first attempt ends at 10 s, then the retry");
        Assert.That(
            requests[1].Header("X-Cal-Webhook-Id"),
            Is.EqualTo(requests[0].Header("X-Cal-Webhook-Id")),
            "the same delivery id again"
        );
        Assert.That(requests[1].Body, Is.EqualTo(requests[0].Body), "and the same bytes");
        Assert.That(delivery[0].GetProperty("attempts").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task ARedirect_IsNotFollowed_AndCountsAsAFailure()
    {
        await using var elsewhere = await WebhookReceiver.StartAsync();
        await StartAsync(new() { ["Outbound:AllowedHosts:1"] = elsewhere.AllowedHost, ["Webhooks:RetryDelays:0"] = "00:05:00" });
        receiver.Answer = (_, context) =>
        {
            context.Response.Headers.Location = elsewhere.Url();
            return Task.FromResult(307);
        };
        var webhook = (
            await CreateWebhookAsync(
                new
                {
                    subscriberUrl = receiver.Url(),
                    triggers = new[] { "BOOKING_CREATED" },
                    active = true,
                }
            )
        ).GetProperty("data");
        await BookAsync($"{Monday}T07:00:00Z");

        var delivery = await EventuallyAsync(
            () => DeliveriesAsync(webhook.GetProperty("id").GetString()!),
            d => d[0].GetProperty("attempts").GetInt32() == 1
        );
        Assert.That(
            (
                delivery[0].GetProperty("lastStatus").GetInt32(),
                delivery[0].GetProperty("lastResult").GetString(),
                delivery[0].GetProperty("status").GetString()
            ),
            Is.EqualTo((307, "redirect_not_followed", "pending"))
        );
        Assert.That(elsewhere.Received, Is.Empty, "the redirect's target (even an allowed one) was not asked");
    }

    [Test]
    public async Task ASubscriberNameThatResolvesToANonAllowedAddressAtDelivery_IsBlockedAtConnectTime()
    {
        await using var notAllowed = await WebhookReceiver.StartAsync();
        await StartAsync();
        var hostId = await api.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Email == "alice@example.com").Id));

        // Saved while the name was allowed (as if DNS changed since): written straight to the database, past the create check.
        await api.WithDbAsync(async db =>
        {
            db.Webhooks.Add(
                Webhook.Create(
                    Guid.NewGuid().ToString(),
                    hostId,
                    null,
                    $"http://localhost:{notAllowed.Port}/hook",
                    [WebhookTriggers.BookingCreated],
                    true,
                    null,
                    null,
                    DateTimeOffset.UtcNow
                )
            );
            return await db.SaveChangesAsync();
        });
        var id = await api.WithDbAsync(db => Task.FromResult(db.Webhooks.Single().Uid));
        await BookAsync($"{Monday}T07:00:00Z");

        var delivery = await EventuallyAsync(() => DeliveriesAsync(id), d => d[0].GetProperty("status").GetString() == "failed");
        Assert.That(delivery[0].GetProperty("status").GetString(), Is.EqualTo("failed"));
        Assert.That(delivery[0].GetProperty("lastResult").GetString(), Does.StartWith("blocked_address"));
        Assert.That(notAllowed.Received, Is.Empty);
    }

    [Test]
    public async Task Templates_RenderCalComsPlaceholders_JsonStaysJson_TextIsFormEncoded()
    {
        await StartAsync();
        await CreateWebhookAsync(
            new
            {
                subscriberUrl = receiver.Url("json"),
                triggers = new[] { "BOOKING_CREATED" },
                active = true,
                payloadTemplate = """{"content":"New: {{title}}","organizer":"{{organizer.name}}","booker":"{{attendees.0.name}}","length":"{{length}}","event":"{{triggerEvent}}","missing":"{{nope.nothing}}"}""",
            }
        );
        await CreateWebhookAsync(
            new
            {
                subscriberUrl = receiver.Url("text"),
                triggers = new[] { "BOOKING_CREATED" },
                active = true,
                payloadTemplate = "title={{title}}&uid={{uid}}",
            }
        );
        await BookAsync($"{Monday}T07:00:00Z", name: "Bob \"The\" {{uid}} Builder");

        var all = await receiver.WaitForAsync(2);
        var json = all.Single(r => r.Path == "/json");
        var body = JsonDocument.Parse(json.Body).RootElement;
        Assert.That(json.ContentType, Is.EqualTo("application/json"));
        Assert.That(
            body.GetProperty("content").GetString(),
            Is.EqualTo("New: 30 min between alice@example.com and Bob \"The\" {{uid}} Builder"),
            "a value is never read again as template text, and quotes cannot break the JSON"
        );
        Assert.That(body.GetProperty("booker").GetString(), Is.EqualTo("Bob \"The\" {{uid}} Builder"));
        Assert.That(body.GetProperty("length").GetInt32(), Is.EqualTo(30), "a whole-string placeholder keeps its type");
        Assert.That(
            (body.GetProperty("event").GetString(), body.GetProperty("organizer").GetString()),
            Is.EqualTo(("BOOKING_CREATED", "alice@example.com"))
        );
        Assert.That(body.GetProperty("missing").ValueKind, Is.EqualTo(JsonValueKind.Null));
        var text = all.Single(r => r.Path == "/text");
        Assert.That(text.ContentType, Is.EqualTo("application/x-www-form-urlencoded"));
        Assert.That(text.Text, Does.StartWith("title=30 min between alice@example.com and Bob \"The\" {{uid}} Builder&uid="));
    }

    [Test]
    public async Task Templates_ThatLoopRecurseOrGrowWithoutBound_AreRefusedOrCutOff()
    {
        await StartAsync();
        foreach (
            var template in new[]
            {
                "{{#each attendees}}{{name}}{{/each}}",
                "{{> partial}}",
                "{{#with organizer}}{{name}}{{/with}}",
                "{{lookup . 'title'}}",
                "{{title",
                string.Concat(Enumerable.Repeat("{{title}}", 201)),
                new string('x', 16 * 1024 + 1),
            }
        )
        {
            var error = await Json.AssertErrorEnvelopeAsync(
                await host.PostAsync(
                    "/v2/webhooks",
                    Json.Body(
                        new
                        {
                            subscriberUrl = receiver.Url(),
                            triggers = new[] { "BOOKING_CREATED" },
                            active = true,
                            payloadTemplate = template,
                        }
                    )
                ),
                400,
                "BadRequestException"
            );
            Assert.That(Json.ErrorFields(error), Does.Contain("payloadTemplate"), template[..Math.Min(40, template.Length)]);
        }

        // Within the caps, but 200 copies of the largest metadata a booking may carry: the output is cut off, not sent.
        var webhook = (
            await CreateWebhookAsync(
                new
                {
                    subscriberUrl = receiver.Url(),
                    triggers = new[] { "BOOKING_CREATED" },
                    active = true,
                    payloadTemplate = string.Concat(Enumerable.Repeat("{{metadata}}", 200)),
                }
            )
        ).GetProperty("data");
        var metadata = Enumerable.Range(0, 50).ToDictionary(i => $"key{i}", _ => new string('m', 500));
        await BookAsync($"{Monday}T07:00:00Z", metadata: metadata);
        var delivery = await EventuallyAsync(
            () => DeliveriesAsync(webhook.GetProperty("id").GetString()!),
            d => d[0].GetProperty("status").GetString() == "failed"
        );
        Assert.That(delivery[0].GetProperty("lastResult").GetString(), Does.Contain("payload template output is over"));
        Assert.That(receiver.Received, Is.Empty);
    }

    [Test]
    public async Task ADelivery_CanBeRedelivered_WithTheSameIdAndBytes()
    {
        await StartAsync();
        var webhook = (
            await CreateWebhookAsync(
                new
                {
                    subscriberUrl = receiver.Url(),
                    triggers = new[] { "BOOKING_CREATED" },
                    active = true,
                    secret = "k",
                }
            )
        ).GetProperty("data");
        var id = webhook.GetProperty("id").GetString()!;
        await BookAsync($"{Monday}T07:00:00Z");
        var first = (await receiver.WaitForAsync(1))[0];
        var listed = await EventuallyAsync(() => DeliveriesAsync(id), d => d[0].GetProperty("status").GetString() == "delivered");
        var deliveryId = listed[0].GetProperty("id").GetString();

        var redelivered = await host.PostAsync($"/v2/webhooks/{id}/deliveries/{deliveryId}/redeliver", null);
        Assert.That(redelivered.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var second = (await receiver.WaitForAsync(2))[1];

        Assert.That((second.Header("X-Cal-Webhook-Id"), second.Text), Is.EqualTo((first.Header("X-Cal-Webhook-Id"), first.Text)));
        Assert.That(second.SignedWith("k"));
        await Json.AssertErrorEnvelopeAsync(
            await host.PostAsync($"/v2/webhooks/{id}/deliveries/del_unknown/redeliver", null),
            404,
            "NotFoundException"
        );
        var (_, otherKey) = await api.CreateUserWithKeyAsync();
        using var other = api.CreateAuthorizedClient(otherKey);
        await Json.AssertErrorEnvelopeAsync(
            await other.PostAsync($"/v2/webhooks/{id}/deliveries/{deliveryId}/redeliver", null),
            404,
            "NotFoundException"
        );
    }

    [Test]
    public async Task AWebhookThatOnlyFails_ForTheSwitchOffPeriod_IsSwitchedOffAndLogged()
    {
        await StartAsync(
            new()
            {
                ["Webhooks:SwitchOffAfter"] = "00:00:01",
                ["Webhooks:RetryDelays:4"] = "00:00:00.200",
                ["Webhooks:RetryDelays:5"] = "00:00:00.200",
                ["Webhooks:RetryDelays:6"] = "00:00:00.200",
                ["Webhooks:RetryDelays:7"] = "00:00:00.200",
            }
        );
        receiver.Answer = (_, _) => Task.FromResult(503);
        var webhook = (
            await CreateWebhookAsync(
                new
                {
                    subscriberUrl = receiver.Url(),
                    triggers = new[] { "BOOKING_CREATED" },
                    active = true,
                }
            )
        ).GetProperty("data");
        var id = webhook.GetProperty("id").GetString()!;
        await BookAsync($"{Monday}T07:00:00Z");
        await BookAsync($"{Monday}T08:00:00Z");

        var read = await EventuallyAsync(
            async () => (await Json.ReadAsync(await host.GetAsync($"/v2/webhooks/{id}"))).GetProperty("data"),
            w => !w.GetProperty("active").GetBoolean()
        );
        Assert.That(read.GetProperty("active").GetBoolean(), Is.False);
        // The warning is written just after the switch-off is stored, so a reader can see the webhook off first.
        List<string> SwitchOffLines() => api.Logs.Where(l => l.Contains("switched off", StringComparison.Ordinal)).ToList();
        for (var wait = 0; wait < 50 && SwitchOffLines().Count == 0; wait++)
        {
            await Task.Delay(100);
        }

        await Task.Delay(300);
        Assert.That(SwitchOffLines(), Has.Count.EqualTo(1).And.Some.Contains(id), "logged once");
        var sinceOff = receiver.Received.Count;
        await BookAsync($"{Monday}T09:00:00Z");
        await Task.Delay(800);
        Assert.That(receiver.Received.Count, Is.EqualTo(sinceOff), "no delivery for a webhook that is off");
    }
}
