using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cal.Application.Bookings.Common;
using Cal.Application.Common.Interfaces;
using Cal.Application.Outbox;
using Cal.Application.Webhooks.Common;
using Cal.Application.Webhooks.Delivery;
using Cal.Domain.Outbox;
using Cal.Domain.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace Cal.Application.UnitTests.Webhooks.Delivery;

/// <summary>One attempt of a delivery, with the ports mocked: what is sent, and what each answer comes to.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class WebhookDeliveryHandlerTests
{
    private readonly Mock<IWebhookStore> webhooks = new();
    private readonly Mock<IBookingStore> bookings = new();
    private readonly Mock<ISecretProtector> secrets = new();
    private readonly Mock<IWebhookSender> sender = new();
    private WebhookRequest? sent;

    private WebhookDeliveryHandler Handler() =>
        new(
            webhooks.Object,
            bookings.Object,
            secrets.Object,
            sender.Object,
            TimeProvider.System,
            Options.Create(new WebhookOptions()),
            NullLogger<WebhookDeliveryHandler>.Instance
        );

    private static OutboxItem Item(string webhookUid, JsonObject? payload = null) =>
        OutboxItem.Delivery(
            webhookUid,
            "del_1",
            "webhook:w:b",
            new WebhookDelivery(
                "BOOKING_CREATED",
                "2027-03-29T07:00:00.000Z",
                "b",
                null,
                payload ?? new JsonObject { ["uid"] = "b", ["bookingId"] = 7 }
            ).Serialize(),
            DateTimeOffset.UtcNow
        );

    private Webhook Hook(bool active = true, string? protectedSecret = "protected") =>
        Webhook.Create(
            "w",
            1,
            null,
            "http://hooks.example.com/x",
            [WebhookTriggers.BookingCreated],
            active,
            null,
            protectedSecret,
            DateTimeOffset.UtcNow
        );

    private void Answer(WebhookSendResult result) =>
        sender
            .Setup(s => s.SendAsync(It.IsAny<WebhookRequest>(), It.IsAny<CancellationToken>()))
            .Callback<WebhookRequest, CancellationToken>((r, _) => sent = r)
            .ReturnsAsync(result);

    [Test]
    public async Task A2xx_IsDelivered_SignedOverTheExactBodyWithTheSecret()
    {
        webhooks.Setup(w => w.FindAsync("w", It.IsAny<CancellationToken>())).ReturnsAsync(Hook());
        secrets.Setup(s => s.Unprotect("protected")).Returns("s3cret");
        Answer(new WebhookSendResult(204, "delivered"));

        var attempt = await Handler().PerformAsync(Item("w"), CancellationToken.None);

        Assert.That(attempt.Outcome, Is.EqualTo(OutboxOutcome.Done));
        Assert.That(sent!.ContentType, Is.EqualTo("application/json"));
        Assert.That(
            Encoding.UTF8.GetString(sent.Body),
            Is.EqualTo("""{"triggerEvent":"BOOKING_CREATED","createdAt":"2027-03-29T07:00:00.000Z","payload":{"uid":"b","bookingId":7}}""")
        );
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData("s3cret"u8.ToArray(), sent.Body));
        Assert.That(sent.Headers, Does.Contain(new KeyValuePair<string, string>("X-Cal-Signature-256", expected)));
        Assert.That(sent.Headers, Does.Contain(new KeyValuePair<string, string>("X-Cal-Webhook-Id", "del_1")));
        Assert.That(sent.Headers, Does.Contain(new KeyValuePair<string, string>("X-Cal-Webhook-Version", "2021-10-20")));
        webhooks.Verify(
            w =>
                w.RecordOutcomeAsync(
                    It.IsAny<string>(),
                    It.IsAny<bool>(),
                    It.IsAny<DateTimeOffset>(),
                    It.IsAny<DateTimeOffset>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Never,
            "no write when nothing changes"
        );
    }

    [Test]
    public async Task TheBookingId_UnknownWhenTheChangeWasMade_IsFilledInFromTheBooking()
    {
        webhooks.Setup(w => w.FindAsync("w", It.IsAny<CancellationToken>())).ReturnsAsync(Hook(protectedSecret: null));
        bookings.Setup(b => b.IdOfAsync("b", It.IsAny<CancellationToken>())).ReturnsAsync(42);
        Answer(new WebhookSendResult(200, "delivered"));

        await Handler().PerformAsync(Item("w", new JsonObject { ["uid"] = "b", ["bookingId"] = null }), CancellationToken.None);

        Assert.That(Encoding.UTF8.GetString(sent!.Body), Does.Contain("\"bookingId\":42"));
        Assert.That(sent.Headers, Does.Contain(new KeyValuePair<string, string>("X-Cal-Signature-256", "no-secret-provided")));
    }

    [TestCase(500, "http_status", OutboxOutcome.Retry)]
    [TestCase(302, "redirect_not_followed", OutboxOutcome.Retry)]
    [TestCase(null, "timeout", OutboxOutcome.Retry)]
    [TestCase(null, "connection_refused", OutboxOutcome.Retry)]
    public async Task AnythingButA2xx_IsTriedAgain_AndStartsTheFailingStreak(int? status, string result, OutboxOutcome outcome)
    {
        webhooks.Setup(w => w.FindAsync("w", It.IsAny<CancellationToken>())).ReturnsAsync(Hook(protectedSecret: null));
        Answer(new WebhookSendResult(status, result));

        var attempt = await Handler().PerformAsync(Item("w"), CancellationToken.None);

        Assert.That((attempt.Outcome, attempt.Result, attempt.Status), Is.EqualTo((outcome, result, status)));
        webhooks.Verify(w =>
            w.RecordOutcomeAsync("w", false, It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())
        );
    }

    [Test]
    public async Task ABlockedAddress_FailsAtOnce()
    {
        webhooks.Setup(w => w.FindAsync("w", It.IsAny<CancellationToken>())).ReturnsAsync(Hook(protectedSecret: null));
        Answer(new WebhookSendResult(null, "blocked_address: loopback", Blocked: true));

        Assert.That((await Handler().PerformAsync(Item("w"), CancellationToken.None)).Outcome, Is.EqualTo(OutboxOutcome.Failed));
    }

    [Test]
    public async Task ADeletedWebhook_IsDone_AndAnInactiveOneFails_NeitherSending()
    {
        Assert.That((await Handler().PerformAsync(Item("gone"), CancellationToken.None)).Outcome, Is.EqualTo(OutboxOutcome.Done));
        webhooks.Setup(w => w.FindAsync("w", It.IsAny<CancellationToken>())).ReturnsAsync(Hook(active: false));
        Assert.That((await Handler().PerformAsync(Item("w"), CancellationToken.None)).Outcome, Is.EqualTo(OutboxOutcome.Failed));
        sender.VerifyNoOtherCalls();
    }

    [Test]
    public async Task AnUnreadableSecret_Fails_WithoutSendingUnsigned()
    {
        webhooks.Setup(w => w.FindAsync("w", It.IsAny<CancellationToken>())).ReturnsAsync(Hook());
        secrets.Setup(s => s.Unprotect(It.IsAny<string>())).Throws(new CryptographicException("key gone"));

        var attempt = await Handler().PerformAsync(Item("w"), CancellationToken.None);

        Assert.That(attempt.Outcome, Is.EqualTo(OutboxOutcome.Failed));
        sender.VerifyNoOtherCalls();
    }
}
