using System.Net;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Calendars;

/// <summary>
/// The worked example of docs/adding-a-calendar-provider.md: a provider added with one registration and no
/// change to any other provider shows up in the list and in busy times next to the ICS feed.
/// </summary>
public sealed class FakeCalendarProviderTests
{
    /// <summary>A provider whose one calendar is busy every day of the window from 08:00 to 08:15 UTC.</summary>
    public sealed class FakeCalendarProvider(ISecretProtector protector) : ICalendarProvider
    {
        public const string Type = "fake_calendar";

        public CalendarIntegration Integration { get; } = new(Type, "fake", "fake", "Fake Calendar");

        public Task<IReadOnlyList<ProviderCalendar>> ListCalendarsAsync(Credential credential, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ProviderCalendar>>([
                new ProviderCalendar(protector.Unprotect(credential.ProtectedKey), "Fake", ReadOnly: true, IsSelected: true),
            ]);

        public Task<IReadOnlyList<string>> CalendarIdsAsync(Credential credential, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([protector.Unprotect(credential.ProtectedKey)]);

        public Task<ProviderBusyTimes> GetBusyTimesAsync(
            Credential credential,
            CalendarSelection selection,
            BusyWindow window,
            BusyTimeBudget budget,
            CancellationToken cancellationToken
        )
        {
            if (!selection.Includes(protector.Unprotect(credential.ProtectedKey)))
            {
                return Task.FromResult(new ProviderBusyTimes([], []));
            }

            var days = Enumerable
                .Range(0, (int)(window.To - window.From).TotalDays + 1)
                .Select(d => window.From.UtcDateTime.Date.AddDays(d).AddHours(8))
                .Select(start => new BusyInterval(
                    new DateTimeOffset(start, TimeSpan.Zero),
                    new DateTimeOffset(start.AddMinutes(15), TimeSpan.Zero)
                ))
                .Where(i => i.Start >= window.From && i.Start < window.To)
                .ToList();
            return Task.FromResult(new ProviderBusyTimes(days, []));
        }

        public Task<ConnectionCheck> CheckConnectionAsync(Credential credential, CancellationToken cancellationToken) =>
            Task.FromResult(ConnectionCheck.Connected);
    }

    [Test]
    public async Task AddedProvider_AppearsBesideIcsFeeds_InListAndBusyTimes()
    {
        await using var feeds = await IcsFeedServer.StartAsync();
        var work = feeds.AddFeed("work", IcsSamples.Simple("Work"));
        await using var api = new CalApiFactory(
            overrides: new Dictionary<string, string?> { ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}" },
            configureServices: services => services.AddCalendarProvider<FakeCalendarProvider>()
        ); // the one line that adds a provider
        var (userId, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        Assert.That(
            (await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { work } }))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );
        await api.WithDbAsync(async db =>
        {
            var protector = (ISecretProtector)api.Services.GetService(typeof(ISecretProtector))!;
            db.Credentials.Add(Credential.Create(userId, FakeCalendarProvider.Type, "fake", protector.Protect("fake-calendar-1")));
            return await db.SaveChangesAsync();
        });

        var list = await Json.ReadAsync(await client.GetAsync("/v2/calendars"));
        var busy = await Json.ReadAsync(
            await client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-05T00:00:00Z&dateTo=2026-01-06T00:00:00Z")
        );

        Assert.That(
            list.GetProperty("data")
                .GetProperty("connectedCalendars")
                .EnumerateArray()
                .Select(c => c.GetProperty("integration").GetProperty("type").GetString()),
            Is.EquivalentTo(new[] { "ics-feed_calendar", FakeCalendarProvider.Type })
        );
        Assert.That(
            busy.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("start").GetString()),
            Is.EqualTo(new[] { "2026-01-05T08:00:00.000Z", "2026-01-05T09:00:00.000Z" }),
            "the fake's 08:00 slot and the ICS feed's 09:00 event, merged and sorted"
        );
        api.DeleteData();
    }
}
