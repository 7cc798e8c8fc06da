// cal.com's ICS-feed work with ical.js 2 (what cal.com's ics-feed CalendarService does), on the same files as Cal.Benchmarks.
//   node bench.mjs parse FEED [--runs 5]
//       ICAL.parse + new ICAL.Component + X-WR-CALNAME + a walk of every component (cal.com's check on save),
//       from the file's UTF-8 bytes. Prints one JSON line: {"work":"parse","medianMs":...,"runsMs":[...],...}.
//   node bench.mjs busy FEED --out busy.json [--from ISO] [--to ISO] [--tz Europe/Berlin] [--runs 5]
//       busy intervals over [from, to): VTIMEZONEs registered, recurring VEVENTs expanded with event.iterator() and
//       getOccurrenceDetails (EXDATE, RDATE, RECURRENCE-ID overrides related to their master), times converted to UTC;
//       all-day and floating times read in --tz (its VTIMEZONE must be in the feed), cancelled and transparent
//       instances left out; the same overlap rule as Cal. Writes sorted [start,end] UTC pairs, one per line.
import { readFileSync, writeFileSync } from 'node:fs';
import ICAL from 'ical.js';

const [work, file, ...rest] = process.argv.slice(2);
const option = (name, fallback) => { const i = rest.indexOf(name); return i >= 0 ? rest[i + 1] : fallback; };
if (!['parse', 'busy'].includes(work) || !file) {
  console.error('usage: node bench.mjs parse FEED [--runs N] | node bench.mjs busy FEED --out F.json [--from ISO --to ISO --tz ZONE] [--runs N]');
  process.exit(2);
}
const runs = Number(option('--runs', '5'));
const bytes = readFileSync(file);

function parseAndWalk() {
  const text = bytes.toString('utf8');
  const calendar = new ICAL.Component(ICAL.parse(text));
  const name = calendar.getFirstPropertyValue('x-wr-calname');
  let components = 0;
  const walk = (component) => { components++; for (const child of component.getAllSubcomponents()) walk(child); };
  walk(calendar);
  return { name, components };
}

function busy(from, to, userTzid) {
  const text = bytes.toString('utf8');
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(vtimezone);
  }
  const userZone = ICAL.TimezoneService.get(userTzid);
  if (!userZone) throw new Error(`--tz ${userTzid}: the feed has no VTIMEZONE for it`);

  // Masters, with their RECURRENCE-ID overrides related by UID. Not `new ICAL.Event(vevent)` alone, as cal.com does:
  // with no `exceptions` option ical.js relates EVERY RECURRENCE-ID VEVENT of the calendar to every master, whatever
  // its UID (keyed by local wall time), so one series' override replaces another series' occurrence at the same
  // wall time, and each constructor walks the whole calendar (quadratic). See benchmarks/README.md.
  const masters = new Map();
  const overrides = [];
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    if (vevent.hasProperty('recurrence-id')) overrides.push(vevent);
    else masters.set(vevent.getFirstPropertyValue('uid') ?? Symbol('no uid'), new ICAL.Event(vevent, { exceptions: [], strictExceptions: true }));
  }
  const standalone = [];
  for (const vevent of overrides) {
    const master = masters.get(vevent.getFirstPropertyValue('uid'));
    if (master) master.relateException(new ICAL.Event(vevent, { exceptions: [] }));
    else standalone.push(new ICAL.Event(vevent, { exceptions: [] }));
  }

  // All-day dates and floating times are wall times in the user's zone; the rest are instants.
  const instant = (time) => {
    if (time.isDate || !time.zone || time.zone === ICAL.Timezone.localTimezone) {
      return ICAL.Time.fromData({ year: time.year, month: time.month, day: time.day, hour: time.isDate ? 0 : time.hour,
        minute: time.isDate ? 0 : time.minute, second: time.isDate ? 0 : time.second, isDate: false }, userZone).toUnixTime() * 1000;
    }
    return time.toUnixTime() * 1000;
  };
  const isBusy = (component) =>
    String(component.getFirstPropertyValue('status') ?? '').toUpperCase() !== 'CANCELLED'
    && String(component.getFirstPropertyValue('transp') ?? '').toUpperCase() !== 'TRANSPARENT';
  const intervals = [];
  const add = (component, startTime, endTime) => {
    if (!isBusy(component)) return;
    const start = instant(startTime);
    let end = instant(endTime);
    if (end < start) end = start;
    if (start < to && (end > from || (start === end && start >= from))) intervals.push([start, end, component.getFirstPropertyValue("uid")]);
  };

  const horizon = to + 24 * 3600 * 1000; // as Cal asks for a day past the window (floating and all-day times)
  for (const event of [...masters.values(), ...standalone]) {
    if (!event.isRecurring()) {
      add(event.component, event.startDate, event.endDate);
      continue;
    }
    const iterator = event.iterator();
    for (let next = iterator.next(); next; next = iterator.next()) {
      if (instant(next) >= horizon) break;
      const details = event.getOccurrenceDetails(next);
      add(details.item.component, details.startDate, details.endDate);
    }
  }
  intervals.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return intervals;
}

const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const timed = (fn) => { const start = process.hrtime.bigint(); const result = fn(); return [Number(process.hrtime.bigint() - start) / 1e6, result]; };
const median = (values) => { const sorted = [...values].sort((a, b) => a - b); const m = sorted.length >> 1; return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2; };

const job = work === 'parse'
  ? () => parseAndWalk()
  : () => busy(Date.parse(option('--from', '2026-01-01T00:00:00Z')), Date.parse(option('--to', '2027-01-01T00:00:00Z')), option('--tz', 'Europe/Berlin'));
const [coldMs, result] = timed(job); // the first run (cold JIT), not in the median
const times = [];
let peakHeap = process.memoryUsage().heapUsed;
for (let i = 0; i < runs; i++) {
  const [ms] = timed(job);
  times.push(ms);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}
const summary = { work, file, bytes: bytes.length, icaljs: '2.2.1', node: process.version, coldMs, medianMs: median(times), runsMs: times };
if (work === 'parse') Object.assign(summary, result);
else {
  summary.intervals = result.length;
  const out = option('--out', 'icaljs-busy.json');
  writeFileSync(out, '[\n' + result.map(([s, e, uid]) => process.env.CAL_BENCH_UIDS ? `["${iso(s)}","${iso(e)}","${uid}"]` : `["${iso(s)}","${iso(e)}"]`).join(',\n') + '\n]\n');
  summary.out = out;
}
console.log(JSON.stringify(summary));
