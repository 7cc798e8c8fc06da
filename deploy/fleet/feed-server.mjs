// A loopback iCalendar feed server for the fleet check: GET /<name>.ics serves a small weekly feed named
// after <name>; GET /__count/<name> says how many times that feed was fetched. Usage: node feed-server.mjs PORT
import http from "node:http";

const port = Number(process.argv[2]);
const counts = new Map();
const feed = (name) => [
  "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cal fleet check//EN", `X-WR-CALNAME:${name}`,
  "BEGIN:VEVENT", `UID:${name}@fleet`, "DTSTAMP:20260101T000000Z",
  "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z", "RRULE:FREQ=WEEKLY;COUNT=10", "SUMMARY:Busy",
  "END:VEVENT", "END:VCALENDAR", "",
].join("\r\n");

http.createServer((req, res) => {
  const count = req.url.match(/^\/__count\/([\w-]+)$/);
  if (count) {
    res.end(String(counts.get(count[1]) ?? 0));
    return;
  }
  const ics = req.url.match(/^\/([\w-]+)\.ics$/);
  if (!ics) {
    res.statusCode = 404;
    res.end();
    return;
  }
  counts.set(ics[1], (counts.get(ics[1]) ?? 0) + 1);
  res.setHeader("content-type", "text/calendar; charset=utf-8");
  res.end(feed(ics[1]));
}).listen(port, "127.0.0.1");
