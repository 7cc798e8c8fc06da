#!/usr/bin/env bash
# Busy times on a large feed, on loopback (127.0.0.1 only), Cal in Release:
#   - the 20 MB / ~66,000-event feed from feedgen saved once;
#   - the first busy-times request after the save (fetch + one-pass index included), one week, on a fresh server
#     and on a running one (another URL of the feed saved in place of the first);
#   - warm (after 500 unmeasured requests and the JIT's background work): one week (50 requests, p50 of curl's time_total, and p50 of the server's
#     own time from its request log),
#     one year (10 requests, p50; must not be truncated);
#   - wrk at 16 connections on the one-week request (requests/s, p50, p99);
#   - resident memory of the server with that feed indexed (after warm-up, and after the wrk run), and its peak;
#   - issue #22's memory case: one user with 8 URLs of that feed asking for busy times and the calendar list at once
#     (a fresh server), peak resident memory; then a one-year window over all eight.
# Usage: benchmarks/load/busy-times.sh [--duration 15]      (KEY=VALUE lines on stdout)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/load/common.sh
duration_option 15 "$@"

build_release src/Cal.WebApi benchmarks/feedgen

mkdir -p "$work/feeds"
dotnet "$gen" generate --size 20MB --seed 42 --out "$work/feeds/large.ics" 2>"$work/feed.txt"
for i in 1 2 3 4 5 6 7 8; do ln -s "$work/feeds/large.ics" "$work/feeds/large$i.ics"; done
feed_port=$(free_port)
dotnet "$gen" serve --dir "$work/feeds" --port "$feed_port" >/dev/null & pids+=($!)
feeds="http://127.0.0.1:$feed_port"
wait_http "$feeds/large.ics"

start_cal() { # start_cal NAME -> sets cal_pid, api, key
  local name=$1 port; port=$(free_port)
  local settings=(--ConnectionStrings:Default="Data Source=$work/$name.db" --DataProtection:KeysPath="$work/$name-keys"
            --Outbound:AllowedHosts:0="127.0.0.1:$feed_port" --RateLimiting:PermitLimit=100000000 --RateLimiting:AccessTokenPermitLimit=100000000 --RateLimiting:OAuthClientPermitLimit=100000000
            --FeedCache:TimeToLive=01:00:00 --Serilog:MinimumLevel:Default=Warning
            --Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware=Information)
  dotnet "$cal" users create --email "$name@example.com" --time-zone Europe/Berlin "${settings[@]}" >/dev/null 2>&1
  key=$(dotnet "$cal" api-keys create --email "$name@example.com" "${settings[@]}" 2>/dev/null)
  ASPNETCORE_ENVIRONMENT=Production dotnet "$cal" --urls "http://127.0.0.1:$port" "${settings[@]}" >"$work/$name.log" 2>&1 & cal_pid=$!; pids+=($cal_pid)
  api="http://127.0.0.1:$port"
  wait_http "$api/health/live"
}
get() { curl -s -o "$work/out.json" -w '%{time_total}\n' -H "Authorization: Bearer $key" "$api$1"; }

echo "FEED=$(cat "$work/feed.txt")"
start_cal one
curl -s -o /dev/null -w 'SAVE_STATUS=%{http_code}\nSAVE_SECONDS=%{time_total}\n' -X POST "$api/v2/calendars/ics-feed/save" \
  -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "{\"urls\":[\"$feeds/large.ics\"]}"
week="/v2/calendars/busy-times?dateFrom=2026-06-01&dateTo=2026-06-07&timeZone=Europe/Berlin"
year="/v2/calendars/busy-times?dateFrom=2026-01-01&dateTo=2026-12-31&timeZone=Europe/Berlin"
echo "FIRST_WEEK_SECONDS=$(get "$week")"
echo "WEEK_INTERVALS=$(python3 -c "import json;d=json.load(open('$work/out.json'));print(len(d['data']), 'truncated', len(d['truncated']))")"
# Server time: the request log's Elapsed (from the request's arrival to the last byte handed to Kestrel).
server_ms() { # server_ms FROM_LINE -> p50 of Elapsed of busy-times requests logged after that line
  tail -n +"$1" "$work/one.log" | python3 -c "
import json, sys, statistics
e = [json.loads(l)['Elapsed'] for l in sys.stdin if l.startswith('{') and 'busy-times' in l and '\"Elapsed\"' in l]
print(f'{statistics.median(e):.2f}' if e else 'n/a')"; }
# Warm means steady state: the first requests after a start run code the JIT has not yet optimised. With tiered PGO
# (.NET's default) a hot method goes tier 0 -> instrumented tier -> optimised tier 1, in the background, and the
# instrumented tier is slower than tier 0: measured, a week answers in ~11 ms for the first ~250 requests and in
# ~2.5 ms once tier 1 is in. So 500 week and 3 year requests go first, unmeasured, then 2 s for the background
# compiler to finish.
for _ in $(seq 1 200); do get "$week" >/dev/null; done
for _ in 1 2 3; do get "$year" >/dev/null; done
for _ in $(seq 1 300); do get "$week" >/dev/null; done
sleep 2
mark=$(($(wc -l < "$work/one.log") + 1))
for _ in $(seq 1 50); do get "$week"; done | median | sed 's/^/WARM_WEEK_P50_SECONDS=/'
echo "WARM_WEEK_SERVER_P50_MS=$(server_ms "$mark")"
mark=$(($(wc -l < "$work/one.log") + 1))
for _ in $(seq 1 10); do get "$year"; done | median | sed 's/^/WARM_YEAR_P50_SECONDS=/'
echo "WARM_YEAR_SERVER_P50_MS=$(server_ms "$mark")"
echo "YEAR_INTERVALS=$(python3 -c "import json;d=json.load(open('$work/out.json'));print(len(d['data']), 'truncated', len(d['truncated']))")"
echo "RSS_AFTER_WARMUP_MB=$(rss_mb "$cal_pid")"
wrk -t2 -c16 -d"${duration}s" --latency -H "Authorization: Bearer $key" "$api$week" > "$work/wrk.txt"
awk '/Requests\/sec/ {print "WRK_WEEK_C16_RPS=" $2} /^ +50%/ {print "WRK_WEEK_C16_P50=" $2} /^ +99%/ {print "WRK_WEEK_C16_P99=" $2} /Non-2xx/ {print "WRK_NON_2XX=" $NF} /requests in/ {print "WRK_REQUESTS=" $1}' "$work/wrk.txt"
echo "RSS_AFTER_WRK_MB=$(rss_mb "$cal_pid")"
echo "RSS_PEAK_MB=$(hwm_mb "$cal_pid")"
# The first request after a fetch on a server already running (its code compiled): the same feed under another URL.
curl -s -o /dev/null -X POST "$api/v2/calendars/ics-feed/save" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d "{\"urls\":[\"$feeds/large1.ics\"]}"
echo "WARM_SERVER_FIRST_WEEK_SECONDS=$(get "$week")"
kill "$cal_pid"; wait "$cal_pid" 2>/dev/null || true

# Issue #22: 8 URLs of the 20 MB feed; busy times and the calendar list at once, on a fresh server.
start_cal eight
urls=""; for i in 1 2 3 4 5 6 7 8; do urls="$urls\"$feeds/large$i.ics\","; done; urls="[${urls%,}]"
curl -s -o "$work/eight.json" -w 'EIGHT_SAVE_STATUS=%{http_code}\n' -X POST "$api/v2/calendars/ics-feed/save" \
  -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "{\"urls\":$urls}"
head -c 400 "$work/eight.json"; echo
clock=$(date +%s.%N)
get "$week" >/dev/null & a=$!
curl -s -o /dev/null -H "Authorization: Bearer $key" "$api/v2/calendars" & b=$!
wait $a $b
echo "EIGHT_WEEK_AND_LIST_SECONDS=$(python3 -c "import time;print(round(time.time()-$clock,2))")"
echo "EIGHT_FIRST_WEEK=$(python3 -c "import json;d=json.load(open('$work/out.json'));print(len(d['data']), 'intervals, truncated', len(d['truncated']))")"
echo "EIGHT_SECOND_WEEK_SECONDS=$(get "$week")"
echo "EIGHT_SECOND_WEEK=$(python3 -c "import json;d=json.load(open('$work/out.json'));print(len(d['data']), 'intervals, truncated', len(d['truncated']))")"
echo "EIGHT_RSS_PEAK_MB=$(hwm_mb "$cal_pid")"
echo "EIGHT_RSS_AFTER_MB=$(rss_mb "$cal_pid")"
# Beyond the issue's case: a one-year window over all eight (about 2.7 million intervals in one answer).
echo "EIGHT_YEAR_SECONDS=$(get "$year")"
echo "EIGHT_YEAR_RSS_PEAK_MB=$(hwm_mb "$cal_pid")"
