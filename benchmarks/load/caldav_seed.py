#!/usr/bin/env python3
"""Seeds a CalDAV calendar through CalDAV itself: MKCALENDAR, then one PUT per event (UID), on loopback only.

5,000 events by default: 4,000 single events over two years and 1,000 recurring series (weekly on two days,
daily with COUNT, fortnightly, monthly), every fifth series with an EXDATE and every tenth with a moved
instance (RECURRENCE-ID), all in Europe/Berlin with its VTIMEZONE. Deterministic (seed 42).

Usage: caldav_seed.py BASE_URL USER PASSWORD CALENDAR [--single 4000] [--recurring 1000] [--whole]
--whole: one PUT of the whole calendar on the collection (Radicale splits it by UID), about 3x faster than one PUT
per event with Radicale 3.1 (whose PUT of one event reads the whole collection: 5,000 events take ~7 min one by one,
~2.5 min whole).
"""
import argparse
import base64
import datetime as dt
import http.client
import random
import sys
import urllib.parse

VTIMEZONE = "\r\n".join([
    "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
    "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
    "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
    "END:VTIMEZONE"])


def fmt(d):
    return d.strftime("%Y%m%dT%H%M%S")


def objects(single, recurring):
    rnd = random.Random(42)
    base = dt.datetime(2025, 1, 1)
    for i in range(single):
        d = base + dt.timedelta(days=rnd.randrange(0, 730), hours=rnd.randrange(7, 19), minutes=rnd.choice([0, 15, 30, 45]))
        end = d + dt.timedelta(minutes=rnd.choice([30, 45, 60, 90]))
        yield f"single-{i}", [["BEGIN:VEVENT", f"UID:single-{i}@bench", "DTSTAMP:20250101T000000Z",
                               f"DTSTART;TZID=Europe/Berlin:{fmt(d)}", f"DTEND;TZID=Europe/Berlin:{fmt(end)}",
                               f"SUMMARY:Meeting {i}", "END:VEVENT"]]
    for i in range(recurring):
        d = base + dt.timedelta(days=rnd.randrange(0, 500), hours=rnd.randrange(7, 19))
        rule = ["FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=DAILY;COUNT=200", "FREQ=WEEKLY;INTERVAL=2", "FREQ=MONTHLY;BYMONTHDAY=15"][rnd.randrange(4)]
        series = ["BEGIN:VEVENT", f"UID:rec-{i}@bench", "DTSTAMP:20250101T000000Z",
                  f"DTSTART;TZID=Europe/Berlin:{fmt(d)}", f"DTEND;TZID=Europe/Berlin:{fmt(d + dt.timedelta(minutes=30))}",
                  f"RRULE:{rule}", f"SUMMARY:Series {i}"]
        if i % 5 == 0:
            series.append(f"EXDATE;TZID=Europe/Berlin:{fmt(d + dt.timedelta(days=14))}")
        series.append("END:VEVENT")
        components = [series]
        if i % 10 == 0:
            rid = d + dt.timedelta(days=28)
            components.append(["BEGIN:VEVENT", f"UID:rec-{i}@bench", "DTSTAMP:20250101T000000Z",
                               f"RECURRENCE-ID;TZID=Europe/Berlin:{fmt(rid)}",
                               f"DTSTART;TZID=Europe/Berlin:{fmt(rid + dt.timedelta(hours=2))}",
                               f"DTEND;TZID=Europe/Berlin:{fmt(rid + dt.timedelta(hours=2, minutes=30))}", "END:VEVENT"])
        yield f"rec-{i}", components


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("user")
    parser.add_argument("password")
    parser.add_argument("calendar")
    parser.add_argument("--single", type=int, default=4000)
    parser.add_argument("--recurring", type=int, default=1000)
    parser.add_argument("--whole", action="store_true")
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.base)
    if url.hostname not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("loopback only")
    auth = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
    path = f"/{args.user}/{args.calendar}/"

    def send(method, target, body, content_type):
        connection = http.client.HTTPConnection(url.hostname, url.port)
        connection.request(method, target, body.encode(), {"Authorization": auth, "Content-Type": content_type})
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status >= 300:
            sys.exit(f"{method} {target}: {response.status}")

    if args.whole:
        components = [line for _, cs in objects(args.single, args.recurring) for c in cs for line in c]
        text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cal//Bench//EN", "X-WR-CALNAME:Bench", VTIMEZONE]
                           + components + ["END:VCALENDAR"]) + "\r\n"
        send("PUT", path, text, "text/calendar")
        count = args.single + args.recurring
    else:
        send("MKCALENDAR", path, '<?xml version="1.0"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
             '<d:set><d:prop><d:displayname>Bench</d:displayname></d:prop></d:set></c:mkcalendar>', "application/xml")
        count = 0
        for uid, components in objects(args.single, args.recurring):
            text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cal//Bench//EN", VTIMEZONE]
                               + [line for c in components for line in c] + ["END:VCALENDAR"]) + "\r\n"
            send("PUT", f"{path}{uid}.ics", text, "text/calendar")
            count += 1
    print(f"{count} events ({args.single} single, {args.recurring} recurring) in {path}")


if __name__ == "__main__":
    main()
