using Cal.Domain.Availability;

namespace Cal.Domain.UnitTests.Availability;

/// <summary>The slot computation (#17.4): examples, DST, and properties over seeded random schedules, busy times and requests.</summary>
public sealed class SlotCalculatorTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly DayOfWeek[] Weekdays =
    [
        DayOfWeek.Monday,
        DayOfWeek.Tuesday,
        DayOfWeek.Wednesday,
        DayOfWeek.Thursday,
        DayOfWeek.Friday,
    ];
    private static readonly WeeklyAvailability[] NineToFive = [new(Weekdays, new TimeOnly(9, 0), new TimeOnly(17, 0))];

    private static SlotRequest Request(
        DateTimeOffset from,
        DateTimeOffset to,
        int length = 30,
        int interval = 30,
        int before = 0,
        int after = 0,
        int notice = 0,
        DateTimeOffset? now = null
    ) =>
        new(
            TimeSpan.FromMinutes(length),
            TimeSpan.FromMinutes(interval),
            TimeSpan.FromMinutes(before),
            TimeSpan.FromMinutes(after),
            TimeSpan.FromMinutes(notice),
            from,
            to,
            now ?? from.AddDays(-30)
        );

    [Test]
    public void AFreeWeekday_Has16HalfHourSlots_From9To5InTheSchedulesZone()
    {
        var monday = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

        var slots = SlotCalculator.Slots(Berlin, NineToFive, [], [], Request(monday, monday.AddDays(1)));

        Assert.That(slots, Has.Count.EqualTo(16));
        Assert.That(
            (slots[0], slots[^1]),
            Is.EqualTo((new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 2, 15, 30, 0, TimeSpan.Zero)))
        );
    }

    [Test]
    public void AcrossTheSpringChange_9AmStaysWallClock()
    {
        var before = SlotCalculator.Slots(
            Berlin,
            NineToFive,
            [],
            [],
            Request(new(2026, 3, 27, 0, 0, 0, TimeSpan.Zero), new(2026, 3, 28, 0, 0, 0, TimeSpan.Zero))
        );
        var after = SlotCalculator.Slots(
            Berlin,
            NineToFive,
            [],
            [],
            Request(new(2026, 3, 30, 0, 0, 0, TimeSpan.Zero), new(2026, 3, 31, 0, 0, 0, TimeSpan.Zero))
        );

        Assert.That((before[0].Hour, after[0].Hour), Is.EqualTo((8, 7)), "09:00 CET is 08:00Z, 09:00 CEST is 07:00Z");
    }

    [Test]
    public void ABusyHour_WithBuffers_TakesTheSlotsThatWouldTouchIt()
    {
        var monday = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        var busy = new BusyPeriod(new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), new(2026, 3, 2, 11, 0, 0, TimeSpan.Zero)); // 11:00-12:00 Berlin

        var slots = SlotCalculator.Slots(Berlin, NineToFive, [], [busy], Request(monday, monday.AddDays(1), before: 15, after: 15));

        var local = slots
            .Select(s => TimeZoneInfo.ConvertTime(s, Berlin).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.That(local, Does.Not.Contain("10:30").And.Not.Contain("11:00").And.Not.Contain("11:30").And.Not.Contain("12:00"));
        Assert.That(local, Does.Contain("10:00").And.Contain("12:30"), "10:00-10:30 leaves 30 min; 12:30 starts 30 min after");
    }

    [Test]
    public void ADateOverride_ReplacesThatDay_AndAnEmptyOneClosesIt()
    {
        var monday = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        DateOverride[] overrides =
        [
            new(new DateOnly(2026, 3, 2), [(new TimeOnly(13, 0), new TimeOnly(14, 0))]),
            new(new DateOnly(2026, 3, 3), []),
            new(new DateOnly(2026, 3, 4), [(TimeOnly.MinValue, TimeOnly.MinValue)]), // cal.com's day off
        ];

        var slots = SlotCalculator.Slots(Berlin, NineToFive, overrides, [], Request(monday, monday.AddDays(3)));

        Assert.That(
            slots,
            Is.EqualTo(
                new[] { new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 2, 12, 30, 0, TimeSpan.Zero) }
            )
        );
    }

    [Test]
    public void MinimumNotice_LeavesOutWhatIsTooSoon()
    {
        var monday = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        var now = new DateTimeOffset(2026, 3, 2, 9, 10, 0, TimeSpan.Zero); // 10:10 Berlin

        var slots = SlotCalculator.Slots(Berlin, NineToFive, [], [], Request(monday, monday.AddDays(1), notice: 60, now: now));

        Assert.That(
            slots[0],
            Is.EqualTo(new DateTimeOffset(2026, 3, 2, 10, 30, 0, TimeSpan.Zero)),
            "11:30 Berlin: the first start at least an hour after 10:10"
        );
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    public void Properties_HoldOverRandomSchedulesAndBusyTimes(int seed)
    {
        var random = new Random(seed);
        string[] zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"];
        for (var round = 0; round < 200; round++)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(zones[random.Next(zones.Length)]);
            var weekly = Enumerable
                .Range(0, random.Next(1, 4))
                .Select(_ =>
                {
                    var start = new TimeOnly(random.Next(0, 20), random.Next(0, 4) * 15);
                    return new WeeklyAvailability(
                        Enum.GetValues<DayOfWeek>().Where(_ => random.Next(2) == 0).ToArray(),
                        start,
                        start.AddMinutes(random.Next(2, 20) * 15)
                    );
                })
                .ToArray();
            var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(random.Next(0, 360)).AddMinutes(random.Next(0, 1440));
            var to = from.AddHours(random.Next(1, 24 * 10));
            var busy = Enumerable
                .Range(0, random.Next(0, 12))
                .Select(_ =>
                {
                    var start = from.AddMinutes(random.Next(-600, (int)(to - from).TotalMinutes));
                    return new BusyPeriod(start, start.AddMinutes(random.Next(5, 240)));
                })
                .ToArray();
            var request = new SlotRequest(
                TimeSpan.FromMinutes(random.Next(1, 9) * 15),
                TimeSpan.FromMinutes(random.Next(1, 5) * 15),
                TimeSpan.FromMinutes(random.Next(0, 4) * 10),
                TimeSpan.FromMinutes(random.Next(0, 4) * 10),
                TimeSpan.FromMinutes(random.Next(0, 3) * 60),
                from,
                to,
                from.AddMinutes(random.Next(-2000, 2000))
            );

            var slots = SlotCalculator.Slots(zone, weekly, [], busy, request);

            foreach (var slot in slots)
            {
                var context = $"seed {seed} round {round} zone {zone.Id} slot {slot:O}";
                Assert.That(
                    busy.Any(b => b.Start < slot + request.Length + request.BufferAfter && b.End > slot - request.BufferBefore),
                    Is.False,
                    "overlaps a widened busy period: " + context
                );
                Assert.That(slot >= from && slot < to, Is.True, "outside the range: " + context);
                Assert.That(slot >= request.Now + request.MinimumNotice, Is.True, "before now + notice: " + context);
                Assert.That(InsideSchedule(zone, weekly, slot, slot + request.Length), Is.True, "outside the schedule: " + context);
            }

            Assert.That(slots, Is.Ordered.And.Unique);
            Assert.That(
                slots,
                Is.EqualTo(Reference(zone, weekly, busy, request)),
                $"the cursor finds what a rescan per slot finds: seed {seed} round {round}"
            );
        }
    }

    /// <summary>The obvious computation (every busy period checked for every candidate slot), to hold the cursor's answer
    /// against.</summary>
    private static List<DateTimeOffset> Reference(TimeZoneInfo zone, WeeklyAvailability[] weekly, BusyPeriod[] busy, SlotRequest request)
    {
        var found = new SortedSet<DateTimeOffset>();
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.RangeStart, zone).DateTime).AddDays(-1);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.RangeEnd, zone).DateTime);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            foreach (var w in weekly.Where(w => w.Days.Contains(day.DayOfWeek) && w.Start != w.End))
            {
                var from = SlotCalculator.AtWallTime(day.ToDateTime(w.Start), zone);
                var to =
                    w.End <= w.Start
                        ? SlotCalculator.AtWallTime(day.AddDays(1).ToDateTime(TimeOnly.MinValue), zone)
                        : SlotCalculator.AtWallTime(day.ToDateTime(w.End), zone);
                for (var slot = from; slot + request.Length <= to; slot += request.Interval)
                {
                    var free = !busy.Any(b => b.Start - request.BufferAfter < slot + request.Length && b.End + request.BufferBefore > slot);
                    if (free && slot >= request.RangeStart && slot < request.RangeEnd && slot >= request.Now + request.MinimumNotice)
                    {
                        found.Add(slot);
                    }
                }
            }
        }

        return [.. found];
    }

    [Test]
    public void MoreSlotsThanAllowed_AreRefusedWhole_NotCutShort()
    {
        var monday = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

        var result = SlotCalculator.Compute(
            TimeZoneInfo.Utc,
            NineToFive,
            [],
            [],
            Request(monday, monday.AddDays(7), 30, 30),
            maxSlots: 79,
            CancellationToken.None
        );
        var enough = SlotCalculator.Compute(
            TimeZoneInfo.Utc,
            NineToFive,
            [],
            [],
            Request(monday, monday.AddDays(7), 30, 30),
            maxSlots: 80,
            CancellationToken.None
        );

        Assert.That((result.Exceeded, result.Slots.Count), Is.EqualTo((true, 0)));
        Assert.That((enough.Exceeded, enough.Slots.Count), Is.EqualTo((false, 80)));
    }

    [Test]
    public void ACancelledCaller_StopsTheComputation()
    {
        var monday = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        using var gone = new CancellationTokenSource();
        gone.Cancel();

        Assert.Throws<OperationCanceledException>(() =>
            SlotCalculator.Compute(
                TimeZoneInfo.Utc,
                NineToFive,
                [],
                [],
                Request(monday, monday.AddYears(1), 1, 1),
                int.MaxValue,
                gone.Token
            )
        );
    }

    [TestCase(15, 15)]
    [TestCase(30, 15)]
    [TestCase(45, 30)]
    [TestCase(60, 60)]
    public void WithNoBusyTime_TheCountIsWhatTheScheduleAndIntervalAllow(int length, int interval)
    {
        // Mondays to Fridays 09:00-17:00 (480 minutes) for a whole week in UTC, where nothing moves.
        var monday = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

        var slots = SlotCalculator.Slots(TimeZoneInfo.Utc, NineToFive, [], [], Request(monday, monday.AddDays(7), length, interval));

        Assert.That(slots, Has.Count.EqualTo(5 * (((480 - length) / interval) + 1)));
    }

    private static bool InsideSchedule(TimeZoneInfo zone, WeeklyAvailability[] weekly, DateTimeOffset start, DateTimeOffset end)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, zone).DateTime);
        foreach (var d in new[] { day.AddDays(-1), day })
        {
            foreach (var w in weekly.Where(w => w.Days.Contains(d.DayOfWeek)))
            {
                var from = SlotCalculator.AtWallTime(d.ToDateTime(w.Start), zone);
                if (w.End == w.Start)
                {
                    continue;
                }

                var to =
                    w.End < w.Start
                        ? SlotCalculator.AtWallTime(d.AddDays(1).ToDateTime(TimeOnly.MinValue), zone)
                        : SlotCalculator.AtWallTime(d.ToDateTime(w.End), zone);
                if (start >= from && end <= to)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
