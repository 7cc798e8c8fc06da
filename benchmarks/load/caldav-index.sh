#!/usr/bin/env bash
# Issue #30, the kept CalDAV index, on loopback only, Cal in Release, against Debian's Radicale (the tests' server) with
# one calendar of 5,000 events (caldav_seed.py, as caldav.sh seeds it; the seeded folder is kept in
# ~/.cache/cal-benchmarks). Cal reaches Radicale through caldav_replay.py --count, a pass-through proxy that logs every
# request Cal sends (method, REPORT kind, hrefs named, bytes answered), so requests and bytes are counted exactly.
# Cal runs with CalDav:TimeToLive=10s.
#   - what the account's background load cost upstream, and the first busy-times request 10 s after the save;
#   - warm busy-times for a week and for a year: p50 of the server's own time (the request log's Elapsed) and curl's;
#   - 60 s of wrk at 16 connections on the week: PROPFINDs sent (one per TTL expected), p50/p99;
#   - one event changed on the server (PUT straight to Radicale, a moved DTSTART): the requests and bytes the next
#     busy-times request after the TTL costs, beside the object's size; and the change is in the answer;
#   - slots for four weeks over that calendar (every day 09:00-17:00 Berlin, 30 minutes), warm p50 server time.
# Usage: benchmarks/load/caldav-index.sh [--duration 60]      (KEY=VALUE lines on stdout)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/load/common.sh
duration_option 60 "$@"

build_release src/Cal.WebApi

source benchmarks/load/radicale.sh
start_seeded_radicale warning

proxy_port=$(free_port)
python3 benchmarks/load/caldav_replay.py "$proxy_port" "$rad_port" --count 2>"$work/proxy.log" & pids+=($!)
proxy="http://127.0.0.1:$proxy_port"
wait_http "$proxy/__log"

port=$(free_port)
settings=(--ConnectionStrings:Default="Data Source=$work/cal.db" --DataProtection:KeysPath="$work/keys"
          --Outbound:AllowedHosts:0="127.0.0.1:$proxy_port" --CalDav:TimeToLive=00:00:10
          --RateLimiting:PermitLimit=100000000 --AnonymousAvailability:PermitLimitPerHost=1000000000
          --Serilog:MinimumLevel:Default=Warning --Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware=Information)
dotnet "$cal" users create --email bench@example.com --time-zone Europe/Berlin "${settings[@]}" >/dev/null 2>&1
key=$(dotnet "$cal" api-keys create --email bench@example.com "${settings[@]}" 2>/dev/null)
ASPNETCORE_ENVIRONMENT=Production dotnet "$cal" --urls "http://127.0.0.1:$port" "${settings[@]}" >"$work/cal.log" 2>&1 & cal_pid=$!; pids+=($cal_pid)
api="http://127.0.0.1:$port"
wait_http "$api/health/live"

post() { curl -s -X POST "$api$1" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$2"; }
curl -s -o /dev/null "$proxy/__reset"
echo "ADD=$(post /v2/calendars/caldav/credentials "{\"url\":\"$proxy/\",\"username\":\"bench\",\"password\":\"bench-pw\"}" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["data"]["type"])')"

# Requests Cal sent upstream since the last reset, summed: "PROPFIND=1 REPORT:sync-collection=1 ... bytes=N".
upstream() { curl -s "$proxy/__log" | python3 -c "
import json, sys, collections
c = collections.Counter(); b = 0; hrefs = []
for l in sys.stdin:
    e = json.loads(l); c[e['method'] + (':' + e['report'] if e['report'] else '')] += 1; b += e['bytes']
    if e['report'] == 'calendar-multiget': hrefs.append(e['hrefs'])
print(' '.join(f'{k}={v}' for k, v in sorted(c.items())) or 'none', f'requests={sum(c.values())}', f'bytes={b}', f'multiget_hrefs={hrefs}')"; }
reset() { curl -s -o /dev/null "$proxy/__reset"; }
server_ms() { # p50 of the request log's Elapsed for requests matching $2 after line $1
  tail -n +"$1" "$work/cal.log" | python3 -c "
import json, sys, statistics
e = [json.loads(l)['Elapsed'] for l in sys.stdin if l.startswith('{') and '$2' in l and '\"Elapsed\"' in l]
print(f'{statistics.median(e):.2f}' if e else 'n/a')"; }
get() { curl -s -o "$work/out.json" -w '%{time_total}\n' -H "Authorization: Bearer $key" "$api$1"; }
intervals() { python3 -c "import json;d=json.load(open('$work/out.json'));print(len(d['data']), 'truncated', len(d['truncated']))"; }
warm() { # $1 path, $2 count, $3 name, $4 log match
  for _ in $(seq 1 20); do get "$1" >/dev/null; done
  local mark=$(($(wc -l < "$work/cal.log") + 1))
  for _ in $(seq 1 "$2"); do get "$1"; done | median | sed "s/^/${3}_P50_SECONDS=/"
  echo "${3}_SERVER_P50_MS=$(server_ms "$mark" "$4")"; }

week="/v2/calendars/busy-times?dateFrom=2026-06-01&dateTo=2026-06-07&timeZone=Europe/Berlin"
year="/v2/calendars/busy-times?dateFrom=2026-01-01&dateTo=2026-12-31&timeZone=Europe/Berlin"
# The account's calendars load in the background after the save (CalDav:WarmUpOnSave); a user's first read a few
# seconds later finds them kept. WARM_UP_WAIT=0 asks at once instead (the read then shares the load in flight).
sleep "${WARM_UP_WAIT:-10}"
echo "BACKGROUND_LOAD_UPSTREAM=$(upstream)"
reset
echo "FIRST_WEEK_SECONDS=$(get "$week")"
echo "FIRST_WEEK_INTERVALS=$(intervals)"
echo "FIRST_WEEK_UPSTREAM=$(upstream)"
reset
warm "$week" 50 WARM_WEEK busy-times
warm "$year" 20 WARM_YEAR busy-times
echo "WARM_YEAR_INTERVALS=$(intervals)"

reset
mark=$(($(wc -l < "$work/cal.log") + 1))
wrk -t2 -c16 -d"${duration}s" --timeout 30s --latency -H "Authorization: Bearer $key" "$api$week" > "$work/wrk.txt"
awk '/Requests\/sec/ {print "WRK_WEEK_C16_RPS=" $2} /^ +50%/ {print "WRK_WEEK_C16_P50=" $2} /^ +99%/ {print "WRK_WEEK_C16_P99=" $2} /Non-2xx/ {print "WRK_NON_2XX=" $NF}' "$work/wrk.txt"
echo "WRK_DURATION_S=$duration"
echo "WRK_UPSTREAM=$(upstream)"
echo "WRK_SERVER_P50_MS=$(server_ms "$mark" busy-times)"

# One event changed on the server: the first object of the collection, its DTSTART/DTEND moved to 2026-06-03 03:00Z
# (a time no other event of the seed has: 07:00-19:00 Berlin only), PUT straight to Radicale with its ETag.
python3 - "$rad" > "$work/change.txt" <<'PY'
import base64, http.client, re, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1]); auth = "Basic " + base64.b64encode(b"bench:bench-pw").decode()
c = http.client.HTTPConnection(u.hostname, u.port)
c.request("PROPFIND", "/bench/work/", '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>', {"Depth": "1", "Authorization": auth})
hrefs = [h for h in re.findall(r"<(?:\w+:)?href>([^<]+)</", c.getresponse().read().decode()) if h.endswith(".ics")]
href = next(h for h in hrefs if "single" in h) if any("single" in h for h in hrefs) else hrefs[0]
c.request("GET", href, headers={"Authorization": auth}); r = c.getresponse(); ics = r.read().decode(); etag = r.getheader("ETag")
head, sep, event = ics.partition("BEGIN:VEVENT")  # the VEVENT's own DTSTART, not the VTIMEZONE's
event = re.sub(r"DTSTART[^\r\n]*", "DTSTART:20260603T030000Z", event, count=1)
event = re.sub(r"DTEND[^\r\n]*", "DTEND:20260603T033000Z", event, count=1)
event = re.sub(r"DURATION[^\r\n]*\r?\n", "", event, count=1)
ics = head + sep + event
body = ics.encode()
c.request("PUT", href, body, {"Authorization": auth, "Content-Type": "text/calendar", "If-Match": etag}); s = c.getresponse(); s.read()
print(f"CHANGED_HREF={href}\nCHANGED_PUT_STATUS={s.status}\nCHANGED_OBJECT_BYTES={len(body)}")
PY
cat "$work/change.txt"
object_bytes=$(awk -F= '/CHANGED_OBJECT_BYTES/ {print $2}' "$work/change.txt")
sleep 11
reset
echo "AFTER_CHANGE_SECONDS=$(get "$week")"
echo "AFTER_CHANGE_UPSTREAM=$(upstream)"
echo "AFTER_CHANGE_BYTES_LIMIT=$(( 2 * object_bytes + 4096 ))"
echo "AFTER_CHANGE_MOVED_EVENT_BUSY=$(python3 -c "import json;d=json.load(open('$work/out.json'));print(any(i['start'].startswith('2026-06-03T03:00') for i in d['data']))")"
reset
sleep 11
get "$week" >/dev/null
echo "UNCHANGED_AFTER_TTL_UPSTREAM=$(upstream)"

# Slots for four weeks over that calendar.
post /v2/schedules '{"name":"Days","timeZone":"Europe/Berlin","isDefault":true,"availability":[{"days":["Monday","Tuesday","Wednesday","Thursday","Friday","Saturday","Sunday"],"startTime":"09:00","endTime":"17:00"}]}' >/dev/null
event_type=$(post /v2/event-types '{"title":"30 min","slug":"30-min","lengthInMinutes":30}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"])')
slots="/v2/slots?eventTypeId=$event_type&start=2026-12-07&end=2027-01-03&timeZone=Europe/Berlin"
warm "$slots" 50 WARM_SLOTS_MONTH v2/slots
echo "SLOTS_MONTH=$(python3 -c "import json;d=json.load(open('$work/out.json'))['data'];print(sum(len(v) for v in d.values()), 'on', len(d), 'days')")"
echo "RSS_MB=$(rss_mb "$cal_pid") PEAK_RSS_MB=$(hwm_mb "$cal_pid")"
