// A real client against a running Cal: cal.com's @calcom/sdk (npm) creates a managed user, refreshes its
// tokens, and, when an access token has expired (Cal answers 498 as cal.com does), refreshes and retries.
// Env: CAL_BASE_URL (e.g. http://127.0.0.1:5199/), CAL_CLIENT_ID, CAL_CLIENT_SECRET. Cal must run with a
// short Auth:AccessTokenLifetime (run.sh uses 2 s) for the 498 step. Exit code 0 only if every check holds.
import assert from "node:assert/strict";
import sdkPackage from "@calcom/sdk";

const { Cal } = sdkPackage;
const baseUrl = process.env.CAL_BASE_URL;
const clientId = process.env.CAL_CLIENT_ID;
const clientSecret = process.env.CAL_CLIENT_SECRET;
assert.ok(baseUrl && clientId && clientSecret, "CAL_BASE_URL, CAL_CLIENT_ID and CAL_CLIENT_SECRET are required");
assert.ok(new URL(baseUrl).hostname === "127.0.0.1" || new URL(baseUrl).hostname === "localhost", "loopback only");

const step = (name) => console.log(`ok - ${name}`);
const sdk = new Cal(clientId, { clientSecret }, { baseUrl });

// 1. Managed user, through the SDK's own method (x-cal-secret-key header, ?clientId= query).
const created = await sdk.users.createManagedUser({ email: `sdk-${Date.now()}@example.com`, timeZone: "Europe/Berlin", name: "SDK User" });
assert.ok(created.user.id > 0);
assert.match(created.user.email, new RegExp(`\\+${clientId}@example\\.com$`));
assert.equal(typeof created.accessToken, "string");
assert.equal(typeof created.refreshToken, "string");
assert.ok(created.accessTokenExpiresAt > Date.now() - 60_000, "epoch milliseconds");
assert.ok(created.refreshTokenExpiresAt > created.accessTokenExpiresAt);
step("createManagedUser returns the user and its tokens in cal.com's shape");

const listed = await sdk.users.getManagedUsers();
assert.ok(Array.isArray(listed) && listed.some((u) => u.id === created.user.id));
const fetched = await sdk.users.getManagedUser(created.user.id);
assert.equal(fetched.email, created.user.email);
step("getManagedUsers and getManagedUser find it");

// The fields @calcom/sdk types for a managed user (cal.com's ManagedUserOutput), as the SDK reads them.
const profiled = await sdk.users.createManagedUser({ email: `sdk-fields-${Date.now()}@example.com`, timeZone: "Europe/Rome", name: "Fields", timeFormat: 24, weekStart: "Monday", locale: "it" });
const withFields = await sdk.users.getManagedUser(profiled.user.id);
for (const field of ["id", "email", "username", "name", "bio", "timeZone", "weekStart", "createdDate", "timeFormat", "defaultScheduleId"]) {
  assert.ok(field in withFields, `ManagedUserOutput.${field}`);
}
assert.equal(withFields.timeFormat, 24);
assert.equal(withFields.weekStart, "Monday");
assert.equal(withFields.locale, "it");
assert.equal(typeof withFields.defaultScheduleId, "number", "created with a time zone: a default schedule");
assert.match(withFields.username, new RegExp(`^sdk-fields-\\d+-${clientId.toLowerCase()}-example-com$`));
step("the SDK reads every field of cal.com's ManagedUserOutput (timeFormat, weekStart, locale, username, ...)");

// 2. Refresh, through the SDK's own method; the old refresh token stops working.
sdk.secrets().updateAccessToken(created.accessToken, created.refreshToken);
await sdk.secrets().refreshAccessToken(clientId);
const refreshed = sdk.secrets().getAccessToken();
assert.notEqual(refreshed, created.accessToken);
const reuse = await fetch(new URL(`v2/oauth/${clientId}/refresh`, baseUrl), {
  method: "POST",
  headers: { "content-type": "application/json", "x-cal-secret-key": clientSecret },
  body: JSON.stringify({ refreshToken: created.refreshToken }),
});
assert.equal(reuse.status, 401);
assert.equal((await reuse.json()).error.code, "UnauthorizedException");
step("refreshAccessToken rotates the pair; the old refresh token is refused");

// Reusing the old refresh token revoked the family (stolen-token detection): start a new session.
const session = await sdk.users.createManagedUser({ email: `sdk2-${Date.now()}@example.com`, timeZone: "Europe/Berlin" });
sdk.secrets().updateAccessToken(session.accessToken, session.refreshToken);

// 3. An expired access token answers 498 (cal.com's TokenExpiredException), which is what the SDK's
// response interceptor waits for: it sees the 498 and starts its refresh. In @calcom/sdk 1.0.1 that
// refresh never completes: the refresh POST goes through the same axios client, whose request interceptor
// queues every request while a refresh is awaited, so the refresh waits for itself. Checked here (bounded
// wait), so an SDK release that fixes it is noticed; integrators work around it as in 3b.
const expiredSession = await sdk.users.createManagedUser({ email: `sdk3-${Date.now()}@example.com` });
const stuck = new Cal(clientId, { clientSecret, accessToken: expiredSession.accessToken, refreshToken: expiredSession.refreshToken }, { baseUrl });
stuck.httpCaller.axiosClient.interceptors.request.use((config) => {
  config.headers.Authorization = `Bearer ${stuck.secrets().getAccessToken()}`;
  return config;
});
await new Promise((resolve) => setTimeout(resolve, 3_000)); // past the 2 s access-token lifetime
const expired = await fetch(new URL("v2/calendars", baseUrl), { headers: { authorization: `Bearer ${expiredSession.accessToken}` } });
assert.equal(expired.status, 498);
assert.equal((await expired.json()).error.code, "TokenExpiredException");
const outcome = await Promise.race([
  stuck.httpCaller.axiosClient.get("v2/calendars").then(() => "answered", () => "failed"),
  new Promise((resolve) => setTimeout(() => resolve("still waiting"), 5_000)),
]);
assert.equal(stuck.httpCaller.isAwaitingRefresh(), true, "the SDK took Cal's 498 as 'refresh and retry'");
assert.equal(outcome, "still waiting", "@calcom/sdk 1.0.1's automatic refresh deadlocks (if this fails, the SDK was fixed: use it)");
step("an expired access token answers 498 TokenExpiredException and the SDK starts its refresh (SDK 1.0.1 then deadlocks, a known SDK defect)");

// 3b. The workaround: on 498, call the SDK's refreshAccessToken directly and retry with the new token.
const client = new Cal(clientId, { clientSecret, accessToken: session.accessToken, refreshToken: session.refreshToken }, { baseUrl });
await new Promise((resolve) => setTimeout(resolve, 2_100));
const callCalendars = () => fetch(new URL("v2/calendars", baseUrl), { headers: { authorization: `Bearer ${client.secrets().getAccessToken()}` } });
let response = await callCalendars();
assert.equal(response.status, 498);
await client.secrets().refreshAccessToken(clientId);
response = await callCalendars();
assert.equal(response.status, 200);
assert.equal((await response.json()).status, "success");
step("after a 498, the SDK's refreshAccessToken and a retry succeed");

// 4. Schedules through the SDK's own calls (it forwards cal.com's 2024-06-11 bodies as they are). Access tokens live
// 2 s here: a fresh one first; the calls take milliseconds.
await client.secrets().refreshAccessToken(clientId);
const schedule = await client.schedules.createSchedule({
  name: "SDK hours", timeZone: "Europe/Berlin", isDefault: true,
  availability: [{ days: ["Monday", "Wednesday"], startTime: "10:00", endTime: "16:00" }],
  overrides: [{ date: "2027-12-24", startTime: "00:00", endTime: "00:00" }],
});
assert.equal(schedule.name, "SDK hours");
assert.deepEqual(schedule.availability, [{ days: ["Monday", "Wednesday"], startTime: "10:00", endTime: "16:00" }]);
const byDefault = await client.schedules.getDefaultSchedule();
assert.equal(byDefault.id, schedule.id);
const all = await client.schedules.getSchedules();
assert.ok(all.some((s) => s.id === schedule.id));
const fetchedSchedule = await client.schedules.getScheduleById({ id: schedule.id });
assert.equal(fetchedSchedule.timeZone, "Europe/Berlin");
const renamed = await client.schedules.updateSchedule(schedule.id, { name: "SDK hours 2" });
assert.equal(renamed.name, "SDK hours 2");
assert.equal(await client.schedules.deleteSchedule(schedule.id), true, "the SDK reads the envelope's status: success");
step("the SDK's schedule calls (create, default, list, by id, update, delete) work against Cal");

// 5. Slots through the SDK's own call (cal.com's earlier GET /v2/slots/available, public): an event type on a fresh default schedule.
await client.secrets().refreshAccessToken(clientId);
await client.schedules.createSchedule({ name: "Slots", timeZone: "UTC", isDefault: true });
const eventType = await fetch(new URL("v2/event-types", baseUrl), {
  method: "POST",
  headers: { authorization: `Bearer ${client.secrets().getAccessToken()}`, "content-type": "application/json" },
  body: JSON.stringify({ title: "SDK call", slug: `sdk-call-${Date.now()}`, lengthInMinutes: 60 }),
}).then((r) => r.json());
const available = await client.slots.getAvailableSlots({ eventTypeId: eventType.data.id, startTime: "2027-03-29T00:00:00Z", endTime: "2027-03-29T23:59:59Z" });
assert.deepEqual(Object.keys(available.slots), ["2027-03-29"]);
assert.equal(available.slots["2027-03-29"].length, 8, "Monday 09:00-17:00 UTC in hour-long slots");
assert.equal(available.slots["2027-03-29"][0].time, "2027-03-29T09:00:00.000+00:00");
step("the SDK's slots call reads Cal's slots (Monday 09:00-17:00, eight hour-long slots)");
console.log("sdk-client: all checks passed");
process.exit(0);
