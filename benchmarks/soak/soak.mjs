// The soak load: for DURATION seconds, CONCURRENCY workers alternate saves and busy-time reads for USERS
// managed users against a Cal on loopback; every 10 s the Cal process's resident memory is sampled.
// Prints one JSON summary line. Env: CAL, FEEDS, CLIENT_ID, CLIENT_SECRET, CAL_PID, DURATION, CONCURRENCY, USERS.
import { readFileSync } from "node:fs";

const env = (n, d) => process.env[n] ?? d ?? (() => { throw new Error(`${n} is required`); })();
const CAL = env("CAL"), FEEDS = env("FEEDS"), PID = Number(env("CAL_PID"));
const DURATION = Number(env("DURATION", "180")) * 1000, CONCURRENCY = Number(env("CONCURRENCY", "8")), USERS = Number(env("USERS", "50"));
for (const url of [CAL, FEEDS]) if (new URL(url).hostname !== "127.0.0.1") throw new Error("loopback only");

const rssMb = () => Number(readFileSync(`/proc/${PID}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const users = [];
for (let i = 0; i < USERS; i++) {
  const r = await fetch(`${CAL}/v2/oauth-clients/${env("CLIENT_ID")}/users`, {
    method: "POST", headers: { "content-type": "application/json", "x-cal-secret-key": env("CLIENT_SECRET") },
    body: JSON.stringify({ email: `soak-${i}@example.com` }),
  });
  if (r.status !== 201) throw new Error(`user ${i}: ${r.status}`);
  users.push((await r.json()).data.accessToken);
}

const counts = { save: 0, busy: 0, errors: 0, byStatus: {} };
const samples = [{ s: 0, rssMb: rssMb() }];
const started = Date.now();
const sampler = setInterval(() => samples.push({ s: Math.round((Date.now() - started) / 1000), rssMb: Math.round(rssMb()) }), 10_000);
let n = 0;
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (Date.now() - started < DURATION) {
    const i = n++;
    const token = users[i % users.length];
    const save = i % 3 === 0;
    const r = save
      ? await fetch(`${CAL}/v2/calendars/ics-feed/save`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ urls: [`${FEEDS}/soak-${i % 200}.ics`, `${FEEDS}/team-${i % 7}.ics`] }) }).catch(() => null)
      : await fetch(`${CAL}/v2/calendars/busy-times?dateFrom=2026-01-01&dateTo=2026-12-31&loggedInUsersTz=Europe/Berlin`, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
    const status = r?.status ?? 0;
    await r?.arrayBuffer();
    counts[save ? "save" : "busy"]++;
    counts.byStatus[status] = (counts.byStatus[status] ?? 0) + 1;
    // A busy-time read before the user's first save is a 400 ("no calendars"): expected, not an error.
    if (!(status === 201 || status === 200 || (status === 400 && !save && i < users.length * 3))) counts.errors++;
  }
}));
clearInterval(sampler);
samples.push({ s: Math.round((Date.now() - started) / 1000), rssMb: Math.round(rssMb()) });
const warm = samples.find((x) => x.s >= 30) ?? samples[1] ?? samples[0];
const last = samples[samples.length - 1];
console.log(JSON.stringify({
  seconds: last.s, requests: counts.save + counts.busy, saves: counts.save, busyTimeReads: counts.busy, errors: counts.errors,
  byStatus: counts.byStatus, rssMbAt30s: warm.rssMb, rssMbAtEnd: last.rssMb, rssGrowthMbAfterWarmup: last.rssMb - warm.rssMb, samples,
}));
process.exit(counts.errors === 0 ? 0 : 1);
