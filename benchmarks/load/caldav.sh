#!/usr/bin/env bash
# Busy times from a CalDAV calendar, on loopback only, Cal in Release, against Debian's Radicale (the tests' server):
#   - one calendar of 5,000 events (1,000 recurring: weekly, daily, fortnightly, monthly; EXDATEs and moved instances),
#     seeded through CalDAV (benchmarks/load/caldav_seed.py);
#   - busy-times for a one-month window: the first request, then warm (p50 of 20, curl and the server's own time), and
#     wrk at 1 connection (Radicale answers one REPORT at a time: at 4 connections each waits ~4x its REPORT and
#     passes Outbound:FeedTimeout, a 503, as it must be, never "free"); the REPORTs Radicale logged per request (must be 1: one REPORT per calendar, not per event);
#     Radicale's own time for the same REPORT (curl straight to it), which bounds what any client can do;
#   - Cal's own cost apart from Radicale's: the same account through a caching reverse proxy that answers every
#     repeated request from memory (caldav_replay.py), warm p50 of 50 and wrk at 16 connections.
# Radicale 3.1 takes ~2.5 min to store 5,000 events, so the seeded folder is kept in ~/.cache/cal-benchmarks and copied
# on later runs (delete it to seed again).
# Usage: benchmarks/load/caldav.sh [--duration 15]      (KEY=VALUE lines on stdout)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/load/common.sh
duration_option 15 "$@"

build_release src/Cal.WebApi

# Radicale on loopback, htpasswd users, its request log at info level (to count REPORTs).
source benchmarks/load/radicale.sh
start_seeded_radicale info

replay_port=$(free_port)
python3 benchmarks/load/caldav_replay.py "$replay_port" "$rad_port" 2>"$work/replay.log" & pids+=($!)
replay="http://127.0.0.1:$replay_port"
wait_http "$replay/__stats"

port=$(free_port)
settings=(--ConnectionStrings:Default="Data Source=$work/cal.db" --DataProtection:KeysPath="$work/keys"
          --Outbound:AllowedHosts:0="127.0.0.1:$rad_port" --Outbound:AllowedHosts:1="127.0.0.1:$replay_port"
          --RateLimiting:PermitLimit=100000000 --Serilog:MinimumLevel:Default=Warning
          --Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware=Information)
dotnet "$cal" users create --email bench@example.com --time-zone Europe/Berlin "${settings[@]}" >/dev/null 2>&1
key=$(dotnet "$cal" api-keys create --email bench@example.com "${settings[@]}" 2>/dev/null)
other=$(dotnet "$cal" users create --email replay@example.com --time-zone Europe/Berlin "${settings[@]}" >/dev/null 2>&1; dotnet "$cal" api-keys create --email replay@example.com "${settings[@]}" 2>/dev/null)
ASPNETCORE_ENVIRONMENT=Production dotnet "$cal" --urls "http://127.0.0.1:$port" "${settings[@]}" >"$work/cal.log" 2>&1 & cal_pid=$!; pids+=($cal_pid)
api="http://127.0.0.1:$port"
wait_http "$api/health/live"

curl -s -o "$work/add.json" -w 'ADD_STATUS=%{http_code}\nADD_SECONDS=%{time_total}\n' -X POST "$api/v2/calendars/caldav/credentials" \
  -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "{\"url\":\"$rad/\",\"username\":\"bench\",\"password\":\"bench-pw\"}"
curl -s -o /dev/null -X POST "$api/v2/calendars/caldav/credentials" \
  -H "Authorization: Bearer $other" -H 'Content-Type: application/json' -d "{\"url\":\"$replay/\",\"username\":\"bench\",\"password\":\"bench-pw\"}"

month="/v2/calendars/busy-times?dateFrom=2026-06-01&dateTo=2026-06-30&timeZone=Europe/Berlin"
get() { curl -s -o "$work/out.json" -w '%{time_total}\n' -H "Authorization: Bearer $1" "$api$month"; }
server_ms() { # p50 of the request log's Elapsed for busy-times requests after line $1
  tail -n +"$1" "$work/cal.log" | python3 -c "
import json, sys, statistics
e = [json.loads(l)['Elapsed'] for l in sys.stdin if l.startswith('{') and 'busy-times' in l and '\"Elapsed\"' in l]
print(f'{statistics.median(e):.2f}' if e else 'n/a')"; }
reports() { grep -c "\] REPORT request for" "$work/radicale.log" || true; }

echo "FIRST_MONTH_SECONDS=$(get "$key")"
echo "MONTH_INTERVALS=$(python3 -c "import json;d=json.load(open('$work/out.json'));print(len(d['data']), 'truncated', len(d['truncated']))")"
for _ in $(seq 1 5); do get "$key" >/dev/null; done
before=$(reports); mark=$(($(wc -l < "$work/cal.log") + 1))
for _ in $(seq 1 20); do get "$key"; done | median | sed 's/^/WARM_MONTH_P50_SECONDS=/'
echo "WARM_MONTH_SERVER_P50_MS=$(server_ms "$mark")"
echo "REPORTS_PER_REQUEST=$(python3 -c "print(($(reports) - $before) / 20)")"
q='<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20260531T000000Z" end="20260701T000000Z"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>'
for _ in $(seq 1 5); do curl -s -o "$work/report.xml" -w '%{time_total}\n' -X REPORT -u bench:bench-pw -H 'Depth: 1' "$rad/bench/work/" -d "$q"; done | median | sed 's/^/RADICALE_REPORT_P50_SECONDS=/'
echo "RADICALE_REPORT_BYTES=$(wc -c < "$work/report.xml")"
wrk -t1 -c1 -d"$(( duration > 20 ? duration : 20 ))s" --timeout 30s --latency -H "Authorization: Bearer $key" "$api$month" > "$work/wrk.txt"
awk '/Requests\/sec/ {print "WRK_MONTH_C1_RPS=" $2} /^ +50%/ {print "WRK_MONTH_C1_P50=" $2} /Non-2xx/ {print "WRK_NON_2XX=" $NF} /requests in/ {print "WRK_REQUESTS=" $1}' "$work/wrk.txt"

# Cal alone: the same account's answers replayed from memory.
for _ in $(seq 1 300); do get "$other" >/dev/null; done; sleep 2
mark=$(($(wc -l < "$work/cal.log") + 1))
for _ in $(seq 1 50); do get "$other"; done | median | sed 's/^/REPLAY_WARM_MONTH_P50_SECONDS=/'
echo "REPLAY_WARM_MONTH_SERVER_P50_MS=$(server_ms "$mark")"
echo "REPLAY_MONTH_INTERVALS=$(python3 -c "import json;d=json.load(open('$work/out.json'));print(len(d['data']), 'truncated', len(d['truncated']))")"
wrk -t2 -c16 -d"${duration}s" --timeout 30s --latency -H "Authorization: Bearer $other" "$api$month" > "$work/wrk2.txt"
awk '/Requests\/sec/ {print "REPLAY_WRK_MONTH_C16_RPS=" $2} /^ +50%/ {print "REPLAY_WRK_MONTH_C16_P50=" $2} /^ +99%/ {print "REPLAY_WRK_MONTH_C16_P99=" $2} /Non-2xx/ {print "REPLAY_WRK_NON_2XX=" $NF}' "$work/wrk2.txt"
echo "REPLAY_STATS=$(curl -s "$replay/__stats")"
echo "RSS_MB=$(rss_mb "$cal_pid")"
