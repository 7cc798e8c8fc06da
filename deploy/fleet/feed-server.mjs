// A loopback iCalendar feed server for the fleet check: GET /<name>.ics serves a small weekly feed named
// after <name>; GET /__count/<name> says how many times that feed was fetched. It is also a webhook receiver:
// POST /__hook is answered 200 at once and kept; GET /__hooks lists what came ({id, trigger}).
// Usage: node feed-server.mjs PORT
import http from "node:http";

const port = Number(process.argv[2]);
const counts = new Map();
const hooks = [];
const feed = (name) => [
  "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cal fleet check//EN", `X-WR-CALNAME:${name}`,
  "BEGIN:VEVENT", `UID:${name}@fleet`, "DTSTAMP:20260101T000000Z",
  "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z", "RRULE:FREQ=WEEKLY;COUNT=10", "SUMMARY:Busy",
  "END:VEVENT", "END:VCALENDAR", "",
].join("\r\n");

http.createServer((req, res) => {
  if (req.method === "POST" && req.url === "/__hook") {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      let trigger = null;
      try { trigger = JSON.parse(Buffer.concat(chunks).toString("utf8")).triggerEvent; } catch { /* kept as null */ }
      hooks.push({ id: req.headers["x-cal-webhook-id"] ?? null, trigger });
      res.end("ok");
    });
    return;
  }
  if (req.url === "/__hooks") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(hooks));
    return;
  }
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
