// Drives benchmarks/load/bookings.sh's runs against one Cal on loopback, with its own webhook receiver (answers 200 at
// once, keeps each delivery's arrival time, X-Cal-Webhook-Id and payload createdAt). Prints KEY=VALUE lines.
//   node bookings-driver.mjs API KEYS_FILE DURATION_S
// Phases: (1) booking throughput, 16 hosts, 16 concurrent clients, closed loop; (2) outbox throughput: one host with 20
// webhooks, 250 bookings -> 5,000 deliveries, drained; (3) delivery lag at an offered 100 bookings/s (open loop, one
// webhook per host) for DURATION_S: arrival at the receiver minus the change's time (the payload's createdAt).
import http from "node:http";
import fs from "node:fs";

const [api, keysFile, durationArg] = process.argv.slice(2);
const duration = Number(durationArg ?? 20);
if (new URL(api).hostname !== "127.0.0.1") throw new Error("loopback only");
const keys = fs.readFileSync(keysFile, "utf8").trim().split("\n");
const out = (k, v) => console.log(`${k}=${v}`);
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))] : NaN; };
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const call = (method, path, { token, body } = {}) => new Promise((resolve, reject) => {
  const data = body ? JSON.stringify(body) : undefined;
  const req = http.request(api + path, { method, agent, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(data ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) } : {}) } }, (res) => {
    const chunks = [];
    res.on("data", (c) => chunks.push(c));
    res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8") }));
  });
  req.on("error", reject);
  req.end(data);
});

// The receiver.
const arrivals = [];
const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const at = Date.now();
    let createdAt = NaN;
    try { createdAt = Date.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")).createdAt); } catch { /* counted without a lag */ }
    arrivals.push({ at, path: req.url, id: req.headers["x-cal-webhook-id"], lag: at - createdAt });
    res.end("ok");
  });
});
await new Promise((r) => receiver.listen(Number(process.env.RECEIVER_PORT), "127.0.0.1", r));
const hookUrl = (path) => `http://127.0.0.1:${process.env.RECEIVER_PORT}${path}`;

// Hosts: an every-day 00:00-23:59 schedule and a 15-minute event type each.
const hosts = [];
for (const key of keys) {
  const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
  const s = await call("POST", "/v2/schedules", { token: key, body: { name: "All week", timeZone: "UTC", isDefault: true, availability: [{ days, startTime: "00:00", endTime: "23:59" }] } });
  const e = await call("POST", "/v2/event-types", { token: key, body: { title: "Quarter", slug: "quarter", lengthInMinutes: 15 } });
  if (s.status !== 201 || e.status !== 201) throw new Error(`host setup: ${s.status} ${e.status} ${e.text}`);
  hosts.push({ key, eventTypeId: JSON.parse(e.text).data.id, next: 0 });
}
const base = Date.UTC(2027, 0, 4);
const nextStart = (host) => { const n = host.next++; return new Date(base + 86_400_000 * Math.floor(n / 95) + 15 * 60_000 * (n % 95)).toISOString(); }; // 00:00-23:30 starts
const book = async (host) => {
  const started = performance.now();
  const r = await call("POST", "/v2/bookings", { body: { start: nextStart(host), eventTypeId: host.eventTypeId, attendee: { name: "Load", email: "load@example.org", timeZone: "UTC" } } });
  return { status: r.status, ms: performance.now() - started, text: r.text };
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const phases = (process.env.PHASES ?? "1,2,3").split(","); // PHASES=1 runs only the booking throughput

// (1) Booking throughput: BOOK_CLIENTS clients (default 16) spread over BOOK_HOSTS hosts (default 16; 1: one host).
if (phases.includes("1")) {
  for (const host of hosts) for (let i = 0; i < 50; i++) await book(host); // warm-up
  const clients = Number(process.env.BOOK_CLIENTS ?? 16), hostCount = Number(process.env.BOOK_HOSTS ?? 16);
  out("BOOK_CLIENTS", clients);
  out("BOOK_HOSTS", hostCount);
  const latencies = [];
  let refused = 0, firstRefusal = "";
  const until = performance.now() + duration * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    const host = hosts[c % hostCount];
    while (performance.now() < until) {
      const r = await book(host);
      if (r.status === 201) latencies.push(r.ms); else { refused++; firstRefusal ||= `${r.status} ${r.text.slice(0, 200)}`; }
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  out("BOOK_RPS", (latencies.length / seconds).toFixed(0));
  out("BOOK_P50_MS", pct(latencies, 50).toFixed(1));
  out("BOOK_P99_MS", pct(latencies, 99).toFixed(1));
  out("BOOK_REFUSED", refused);
  if (firstRefusal) out("BOOK_FIRST_REFUSAL", JSON.stringify(firstRefusal));
}

// (2) Outbox throughput: 20 webhooks on one host, 250 bookings -> 5,000 deliveries.
if (phases.includes("2")) {
  const host = hosts[0];
  const ids = [];
  for (let i = 0; i < 20; i++) {
    const r = await call("POST", "/v2/webhooks", { token: host.key, body: { subscriberUrl: hookUrl(`/t/${i}`), triggers: ["BOOKING_CREATED"], active: true, secret: "bench" } });
    if (r.status !== 201) throw new Error(`webhook: ${r.status} ${r.text}`);
    ids.push(JSON.parse(r.text).data.id);
  }
  arrivals.length = 0;
  const started = Date.now();
  let made = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (made < 250) { made++; const r = await book(host); if (r.status !== 201) throw new Error(`booking: ${r.status}`); }
  }));
  const booked = Date.now();
  const expected = 250 * 20;
  while (arrivals.length < expected && Date.now() - booked < 120_000) await sleep(20);
  const first = Math.min(...arrivals.map((a) => a.at)), last = Math.max(...arrivals.map((a) => a.at));
  out("OUTBOX_DELIVERIES", arrivals.length);
  out("OUTBOX_DISTINCT_IDS", new Set(arrivals.map((a) => a.id)).size);
  out("OUTBOX_BOOKING_S", ((booked - started) / 1000).toFixed(2));
  out("OUTBOX_DRAIN_S", ((last - first) / 1000).toFixed(2));
  out("OUTBOX_DELIVERIES_PER_S", (arrivals.length / ((last - first) / 1000)).toFixed(0));
  out("OUTBOX_END_TO_END_PER_S", (arrivals.length / ((last - started) / 1000)).toFixed(0));
  for (const id of ids) await call("DELETE", `/v2/webhooks/${id}`, { token: host.key });
}

// (3) Delivery lag at an offered 100 bookings/s, one webhook per host.
if (phases.includes("3")) {
  for (const host of hosts) {
    const r = await call("POST", "/v2/webhooks", { token: host.key, body: { subscriberUrl: hookUrl("/lag"), triggers: ["BOOKING_CREATED"], active: true } });
    if (r.status !== 201) throw new Error(`webhook: ${r.status} ${r.text}`);
  }
  await sleep(500);
  arrivals.length = 0;
  const rate = 100, total = rate * duration, latencies = [];
  let sent = 0, failed = 0;
  const started = performance.now();
  const inflight = [];
  while (sent < total) {
    const due = started + (sent * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const host = hosts[sent % hosts.length];
    sent++;
    inflight.push(book(host).then((r) => { if (r.status === 201) latencies.push(r.ms); else failed++; }));
  }
  await Promise.all(inflight);
  const offeredSeconds = (performance.now() - started) / 1000;
  const booked = latencies.length;
  const waitStart = Date.now();
  while (arrivals.filter((a) => a.path === "/lag").length < booked && Date.now() - waitStart < 60_000) await sleep(20);
  const lags = arrivals.filter((a) => a.path === "/lag").map((a) => a.lag);
  out("LAG_OFFERED_PER_S", (sent / offeredSeconds).toFixed(0));
  out("LAG_BOOKED", booked);
  out("LAG_BOOKING_FAILED", failed);
  out("LAG_BOOKING_P99_MS", pct(latencies, 99).toFixed(1));
  out("LAG_DELIVERED", lags.length);
  out("LAG_P50_MS", pct(lags, 50));
  out("LAG_P99_MS", pct(lags, 99));
  out("LAG_MAX_MS", Math.max(...lags));
}
receiver.close();
agent.destroy();
process.exit(0);
