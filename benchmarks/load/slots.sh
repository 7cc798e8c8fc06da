#!/usr/bin/env bash
# Slots for a one-month window (issue #17), on loopback (127.0.0.1 only), Cal in Release: a user with the 20 MB /
# ~66,000-event feed from feedgen saved, a Europe/Berlin schedule (Mon-Fri 09:00-17:00) and a 30-minute event type with
# 10 minutes after; warm (200 unmeasured requests first), 50 requests: p50 of the server's own time (the request log's
# Elapsed) and of curl's; then wrk at 16 connections.
# With BOOKINGS=500 (issue #31): the schedule is every day 00:00-23:59 and the event type 30 minutes without buffers, N
# slots of the month are booked (anonymously, as cal.com's public booking) before the feed is saved, so the month's
# answer is the schedule minus the feed's busy times minus N bookings read from the database in the same pass.
# Usage: [BOOKINGS=500] benchmarks/load/slots.sh [--duration 10]      (KEY=VALUE lines on stdout)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/load/common.sh
duration_option 10 "$@"

build_release src/Cal.WebApi benchmarks/feedgen

mkdir -p "$work/feeds"
dotnet "$gen" generate --size 20MB --seed 42 --out "$work/feeds/large.ics" 2>/dev/null
feed_port=$(free_port)
dotnet "$gen" serve --dir "$work/feeds" --port "$feed_port" >/dev/null & pids+=($!)
wait_http "http://127.0.0.1:$feed_port/large.ics"

port=$(free_port)
settings=(--ConnectionStrings:Default="Data Source=$work/slots.db" --DataProtection:KeysPath="$work/keys"
          --Outbound:AllowedHosts:0="127.0.0.1:$feed_port" --RateLimiting:PermitLimit=100000000
          --RateLimiting:AccessTokenPermitLimit=100000000 --RateLimiting:OAuthClientPermitLimit=100000000
          --AnonymousAvailability:PermitLimitPerHost=1000000000
          --FeedCache:TimeToLive=01:00:00 --Serilog:MinimumLevel:Default=Warning
          --Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware=Information)
dotnet "$cal" users create --email slots@example.com --time-zone Europe/Berlin "${settings[@]}" >/dev/null 2>&1
key=$(dotnet "$cal" api-keys create --email slots@example.com "${settings[@]}" 2>/dev/null)
ASPNETCORE_ENVIRONMENT=Production dotnet "$cal" --urls "http://127.0.0.1:$port" "${settings[@]}" >"$work/cal.log" 2>&1 & cal_pid=$!; pids+=($cal_pid)
api="http://127.0.0.1:$port"
wait_http "$api/health/live"

post() { curl -s -X POST "$api$1" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$2"; }
bookings=${BOOKINGS:-0}
if [ "$bookings" -gt 0 ]; then
  schedule='{"name":"Always","timeZone":"Europe/Berlin","isDefault":true,"availability":[{"days":["Monday","Tuesday","Wednesday","Thursday","Friday","Saturday","Sunday"],"startTime":"00:00","endTime":"23:59"}]}'
  event_body='{"title":"30 min","slug":"30-min","lengthInMinutes":30}'
else
  schedule='{"name":"Work","timeZone":"Europe/Berlin","isDefault":true}'
  event_body='{"title":"30 min","slug":"30-min","lengthInMinutes":30,"afterEventBuffer":10}'
fi
echo "SCHEDULE=$(post /v2/schedules "$schedule" | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(d["name"], d["timeZone"], d["isDefault"])')"
event_type=$(post /v2/event-types "$event_body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"])')
month="/v2/slots?eventTypeId=$event_type&start=2027-01-04&end=2027-01-31&timeZone=Europe/Berlin"
if [ "$bookings" -gt 0 ]; then
  # Every other free slot of the month, from its start, until N are booked (each answer must be 201).
  curl -s "$api$month" | python3 -c "
import json, sys
starts = [s['start'] for day in json.load(sys.stdin)['data'].values() for s in day]
print('\n'.join(starts[::2][:$bookings]))" > "$work/starts.txt"
  made=0
  while read -r start; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$api/v2/bookings" -H 'cal-api-version: 2024-08-13' -H 'Content-Type: application/json' \
      -d "{\"start\":\"$start\",\"eventTypeId\":$event_type,\"attendee\":{\"name\":\"Bench\",\"email\":\"bench@example.org\",\"timeZone\":\"Europe/Berlin\"}}")
    [ "$code" = 201 ] && made=$((made + 1))
  done < "$work/starts.txt"
  echo "BOOKINGS_MADE=$made"
fi
post /v2/calendars/ics-feed/save "{\"urls\":[\"http://127.0.0.1:$feed_port/large.ics\"]}" >/dev/null
get() { curl -s -o "$work/out.json" -w '%{time_total}\n' "$api$1"; }

busy=$(curl -s "$api/v2/calendars/busy-times?dateFrom=2027-01-04&dateTo=2027-01-31&timeZone=Europe/Berlin" -H "Authorization: Bearer $key" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')
echo "BUSY_INTERVALS_IN_MONTH=$busy"
echo "FIRST_MONTH_SECONDS=$(get "$month")"
echo "MONTH_SLOTS=$(python3 -c "import json;d=json.load(open('$work/out.json'))['data'];print(sum(len(v) for v in d.values()), 'on', len(d), 'days')")"
for _ in $(seq 1 200); do get "$month" >/dev/null; done
mark=$(($(wc -l < "$work/cal.log") + 1))
for _ in $(seq 1 50); do get "$month"; done | median | sed 's/^/WARM_MONTH_P50_SECONDS=/'
echo "WARM_MONTH_SERVER_P50_MS=$(tail -n +"$mark" "$work/cal.log" | python3 -c "
import json, sys, statistics
e = [json.loads(l)['Elapsed'] for l in sys.stdin if l.startswith('{') and 'v2/slots' in l and '\"Elapsed\"' in l]
print(f'{statistics.median(e):.2f}' if e else 'n/a')")"
wrk -t2 -c16 -d"${duration}s" --latency "$api$month" > "$work/wrk.txt"
awk '/Requests\/sec/ {print "WRK_MONTH_C16_RPS=" $2} /^ +50%/ {print "WRK_MONTH_C16_P50=" $2} /^ +99%/ {print "WRK_MONTH_C16_P99=" $2} /Non-2xx/ {print "WRK_NON_2XX=" $NF}' "$work/wrk.txt"
echo "RSS_MB=$(rss_mb "$cal_pid")"
