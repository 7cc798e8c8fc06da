// The fleet's checks, run by fleet.sh against two Cal instances (A, B) behind nginx (LB), all on loopback.
// Exits non-zero if any check fails.
const env = (name) => process.env[name] ?? (() => { throw new Error(`${name} is required`); })();
const LB = env("LB"), A = env("A"), B = env("B"), FEEDS = env("FEEDS");
const CLIENT_ID = env("CLIENT_ID"), CLIENT_SECRET = env("CLIENT_SECRET"), API_KEY = env("API_KEY");
const A_PID = Number(env("A_PID")), PERMIT_LIMIT = Number(env("PERMIT_LIMIT")), CACHE_BOUND_MS = Number(env("CACHE_BOUND_MS"));
for (const url of [LB, A, B, FEEDS]) if (new URL(url).hostname !== "127.0.0.1") throw new Error("loopback only");

let failures = 0;
const check = (name, ok, detail = "") => {
  console.log(`${ok ? "ok" : "FAIL"} - ${name}${detail ? ` (${detail})` : ""}`);
  if (!ok) failures++;
};
const call = (base, path, { method = "GET", token, secret, body } = {}) => fetch(base + path, {
  method,
  headers: {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(secret ? { "x-cal-secret-key": secret } : {}),
    ...(body ? { "content-type": "application/json" } : {}),
  },
  body: body ? JSON.stringify(body) : undefined,
});
const json = async (response) => ({ status: response.status, body: await response.json().catch(() => null), headers: response.headers });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const feedUrl = (name) => `${FEEDS}/${name}.ics`;
const fetchCount = async (name) => Number(await (await fetch(`${FEEDS}/__count/${name}`)).text());

// Managed users (the platform flow) through the load balancer: one per check, 40 for the load test.
const users = [];
for (let i = 0; i < 45; i++) {
  const r = await json(await call(LB, `/v2/oauth-clients/${CLIENT_ID}/users`, { method: "POST", secret: CLIENT_SECRET, body: { email: `fleet-${i}@example.com` } }));
  if (r.status !== 201) throw new Error(`creating managed user ${i}: ${r.status} ${JSON.stringify(r.body)}`);
  users.push({ name: `u${i}`, token: r.body.data.accessToken });
}
check("managed users created through the load balancer", users.length === 45);

// 1. A save through one instance is read through the other, both ways, at once (the reader's read model, warmed
//    with an empty list just before, is dropped by the write through Redis pub/sub); the feed cache is shared.
for (const [writer, reader, user] of [[A, B, users[0]], [B, A, users[1]]]) {
  const before = await json(await call(reader, "/v2/calendars", { token: user.token }));
  const saved = await call(writer, "/v2/calendars/ics-feed/save", { method: "POST", token: user.token, body: { urls: [feedUrl(user.name)] } });
  check(`save through ${writer === A ? "A" : "B"}`, saved.status === 201, `HTTP ${saved.status}`);
  const list = await json(await call(reader, "/v2/calendars", { token: user.token }));
  const externalId = list.body?.data?.connectedCalendars?.[0]?.calendars?.[0]?.externalId;
  check(`listed through ${reader === A ? "A" : "B"} at once, no stale list after the write (read model invalidated; database and Data Protection keys shared)`,
    before.body?.data?.connectedCalendars?.length === 0 && externalId === feedUrl(user.name), `before ${before.body?.data?.connectedCalendars?.length}, after ${String(externalId)}`);
  const busy = await json(await call(reader, "/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-20&loggedInUsersTz=UTC", { token: user.token }));
  const starts = (busy.body?.data ?? []).map((b) => b.start);
  check(`busy times through ${reader === A ? "A" : "B"}`, busy.status === 200 && starts.length === 3 && starts[0].startsWith("2026-01-05T09:00:00"), `${busy.status} ${starts.join(",")}`);
  const fetchedBefore = await fetchCount(user.name);
  const again = await call(writer, "/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-20&loggedInUsersTz=UTC", { token: user.token });
  check(`feed cache shared: ${writer === A ? "A" : "B"} reads the feed ${reader === A ? "A" : "B"} fetched without fetching it`, again.status === 200 && (await fetchCount(user.name)) === fetchedBefore, `fetches ${fetchedBefore} -> ${await fetchCount(user.name)}`);
}

// 2. The rate limit is global: PERMIT_LIMIT requests spread over both instances, then 429 on either.
const secondInWindow = new Date().getSeconds();
if (secondInWindow > 50) await sleep((61 - secondInWindow) * 1000); // stay inside one one-minute window
const limited = users[2];
let allowed = 0;
for (let i = 0; i < PERMIT_LIMIT; i++) {
  const r = await call(i % 2 ? B : A, "/v2/calendars", { token: limited.token });
  if (r.status === 200) allowed++;
}
const overA = await call(A, "/v2/calendars", { token: limited.token });
const overB = await call(B, "/v2/calendars", { token: limited.token });
check(`rate limit global: ${PERMIT_LIMIT} allowed across A and B, then 429 on both`, allowed === PERMIT_LIMIT && overA.status === 429 && overB.status === 429,
  `allowed ${allowed}, A ${overA.status} (remaining ${overA.headers.get("x-ratelimit-remaining")}), B ${overB.status}, Retry-After ${overB.headers.get("retry-after")}`);

// 1b. Concurrent first reads of one feed on both instances cost one upstream fetch (one instance fetches, the
//     other waits for its result in Redis).
{
  const user = users[3];
  const saved = await call(A, "/v2/calendars/ics-feed/save", { method: "POST", token: user.token, body: { urls: [feedUrl(user.name)] } });
  const fetchedBefore = await fetchCount(user.name);
  const reads = await Promise.all(Array.from({ length: 10 }, (_, i) =>
    call(i % 2 ? B : A, "/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-20&loggedInUsersTz=UTC", { token: user.token })));
  const fetchedAfter = await fetchCount(user.name);
  check("10 concurrent first reads across A and B: one upstream fetch", saved.status === 201 && reads.every((r) => r.status === 200) && fetchedAfter - fetchedBefore === 1,
    `statuses ${[...new Set(reads.map((r) => r.status))]}, fetches ${fetchedBefore} -> ${fetchedAfter}`);
}

// Asks `instance` until it stops answering 200 (or the cache bound has long passed); returns the last status and the
// milliseconds from `since` to the answer of that last call (an upper bound on when the instance noticed).
async function pollUntilRefused(instance, token, since) {
  let status = 200;
  while (status === 200 && Date.now() - since < CACHE_BOUND_MS + 3000) {
    status = (await call(instance, "/v2/calendars", { token })).status;
  }
  return [status, Date.now() - since];
}

// 3. A key revoked through one instance is refused by the other within 100 ms (Redis pub/sub), not Auth:CacheDuration.
const warmA = await call(A, "/v2/calendars", { token: API_KEY });
const warmB = await call(B, "/v2/calendars", { token: API_KEY });
const refreshed = await json(await call(A, "/v2/api-keys/refresh", { method: "POST", token: API_KEY, body: {} }));
// A and B are asked at the same moment: the time measured is B's alone (revoke answered -> B's first refusal
// answered), not B's plus a call to A before it.
const revokedAt = Date.now();
const [onA, [onB, noticedAfter]] = await Promise.all([
  call(A, "/v2/calendars", { token: API_KEY }),
  pollUntilRefused(B, API_KEY, revokedAt),
]);
check("revoked key refused at once by the instance that revoked it", warmA.status === 200 && refreshed.status === 200 && onA.status === 401, `A ${onA.status}`);
check("revoked key refused by the other instance within 100 ms", warmB.status === 200 && onB === 401 && noticedAfter <= 100, `B ${onB} after ${noticedAfter} ms`);
const newKey = await call(B, "/v2/calendars", { token: refreshed.body?.data?.apiKey });
check("the refreshed key works on the other instance", newKey.status === 200, `HTTP ${newKey.status}`);

// 3b. A managed user deleted through one instance is refused by the other within 100 ms.
const doomed = await json(await call(A, `/v2/oauth-clients/${CLIENT_ID}/users`, { method: "POST", secret: CLIENT_SECRET, body: { email: "fleet-doomed@example.com" } }));
const doomedToken = doomed.body?.data?.accessToken;
const doomedWarmB = await call(B, "/v2/calendars", { token: doomedToken });
const removed = await call(A, `/v2/oauth-clients/${CLIENT_ID}/users/${doomed.body?.data?.user?.id}`, { method: "DELETE", secret: CLIENT_SECRET });
const deletedAt = Date.now();
const [doomedOnA, [doomedOnB, deletionNoticedAfter]] = await Promise.all([
  call(A, "/v2/calendars", { token: doomedToken }),
  pollUntilRefused(B, doomedToken, deletedAt),
]);
check("a managed user deleted through A: its token refused by A at once", doomed.status === 201 && removed.status === 200 && doomedOnA.status === 401, `delete ${removed.status}, A ${doomedOnA.status}`);
check("... and by B within 100 ms", doomedWarmB.status === 200 && doomedOnB === 401 && deletionNoticedAfter <= 100, `B ${doomedOnB} after ${deletionNoticedAfter} ms`);

// 3c. Bookings across the fleet: 50 concurrent bookings of one slot, spread over A and B, make exactly one 201
//     (the host's lock is in the shared database); every booking's webhook delivery is made once, by one instance
//     (the outbox claims are in the database too), even though both instances' workers poll it.
{
  const host = users[44];
  const schedule = await call(A, "/v2/schedules", { method: "POST", token: host.token, body: { name: "Work", timeZone: "Europe/Berlin", isDefault: true } });
  const eventType = await json(await call(B, "/v2/event-types", { method: "POST", token: host.token, body: { title: "Fleet call", slug: "fleet-call", lengthInMinutes: 30 } }));
  const eventTypeId = eventType.body?.data?.id;
  const hook = await call(A, "/v2/webhooks", { method: "POST", token: host.token, body: { subscriberUrl: `${FEEDS}/__hook`, triggers: ["BOOKING_CREATED"], active: true, secret: "fleet" } });
  check("a schedule, an event type and a webhook, made through A and B", schedule.status === 201 && eventType.status === 201 && hook.status === 201, `${schedule.status} ${eventType.status} ${hook.status}`);
  const book = (base, start, i) => call(base, "/v2/bookings", { method: "POST", body: { start, eventTypeId, attendee: { name: `Guest ${i}`, email: `guest${i}@example.org`, timeZone: "UTC" } } });
  const race = await Promise.all(Array.from({ length: 50 }, (_, i) => book(i % 2 ? B : A, "2027-03-29T07:00:00Z", i)));
  const won = race.filter((r) => r.status === 201).length;
  const lost = race.filter((r) => r.status === 400 || r.status === 409).length;
  const tally = Object.entries(race.reduce((t, r) => ({ ...t, [r.status]: (t[r.status] ?? 0) + 1 }), {})).map(([s, n]) => `${s}x${n}`).join(" ");
  check("50 concurrent bookings of one slot across A and B: exactly one 201, 49 refused (400/409)", won === 1 && lost === 49, `statuses ${tally}`);
  const more = await Promise.all(Array.from({ length: 10 }, (_, i) => book(i % 2 ? A : B, new Date(Date.UTC(2027, 2, 29, 7, 30 + 30 * i)).toISOString(), 100 + i)));
  check("10 bookings of other slots across A and B", more.every((r) => r.status === 201), `statuses ${more.map((r) => r.status).join(",")}`);
  let received = [];
  for (let i = 0; i < 100 && received.length < 11; i++) {
    await sleep(100);
    received = await (await fetch(`${FEEDS}/__hooks`)).json();
  }
  await sleep(3000); // both workers poll every 2 s: a second delivery of anything would have come by now
  received = await (await fetch(`${FEEDS}/__hooks`)).json();
  const ids = new Set(received.map((h) => h.id));
  check("each booking's webhook delivered once, by one instance of the two", received.length === 11 && ids.size === 11 && received.every((h) => h.trigger === "BOOKING_CREATED"),
    `${received.length} deliveries, ${ids.size} distinct ids`);
}

// 4. Instance A is killed (SIGKILL) during a load of saves through the load balancer: every save answered
//    201 is there afterwards, and B keeps answering.
const load = users.slice(4, 44);
const acknowledged = [];
let completed = 0, killed = false, afterKill = 0, errors = 0;
const queue = [...load];
await Promise.all(Array.from({ length: 6 }, async () => {
  while (queue.length) {
    const user = queue.shift();
    const r = await call(LB, "/v2/calendars/ics-feed/save", { method: "POST", token: user.token, body: { urls: [feedUrl(user.name)] } }).catch(() => null);
    completed++;
    if (r?.status === 201) {
      acknowledged.push(user);
      if (killed) afterKill++;
    } else errors++;
    if (!killed && completed >= 10) {
      process.kill(A_PID, "SIGKILL");
      killed = true;
    }
  }
}));
let missing = 0;
for (const user of acknowledged) {
  const list = await json(await call(LB, "/v2/calendars", { token: user.token }));
  if (list.body?.data?.connectedCalendars?.[0]?.calendars?.[0]?.externalId !== feedUrl(user.name)) missing++;
}
check("A killed mid-load: no acknowledged save lost", killed && missing === 0, `${acknowledged.length} of ${load.length} acknowledged, ${errors} refused or cut off, ${missing} missing`);
check("B kept answering after A was killed", afterKill > 0 && (await call(LB, "/health/ready")).status === 200, `${afterKill} saves acknowledged after the kill`);

console.log(failures === 0 ? "fleet: all checks passed" : `fleet: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
