#!/usr/bin/env bash
# Issue #22 point 1, through the real server (Release, loopback only): a feed saved while benign is changed upstream
# into a hostile rule; for each rule, the time of busy-times for March 2026, the slowest /health/live answer polled
# meanwhile, and the server's resident memory (current and peak).
# Usage: benchmarks/load/hostile.sh      (KEY=VALUE lines on stdout)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/load/common.sh

build_release src/Cal.WebApi benchmarks/feedgen
mkdir -p "$work/feeds"
feed() { printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cal//Bench//EN\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDURATION:PT1S\r\nRRULE:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' "$1" "$2" > "$work/feeds/changing.ics"; }
feed 20260302T090000Z "FREQ=DAILY;COUNT=1"
feed_port=$(free_port); port=$(free_port)
dotnet "$gen" serve --dir "$work/feeds" --port "$feed_port" >/dev/null & pids+=($!)
settings=(--ConnectionStrings:Default="Data Source=$work/cal.db" --DataProtection:KeysPath="$work/keys"
          --Outbound:AllowedHosts:0="127.0.0.1:$feed_port" --RateLimiting:PermitLimit=100000000 --RateLimiting:AccessTokenPermitLimit=100000000 --RateLimiting:OAuthClientPermitLimit=100000000
          --FeedCache:TimeToLive=00:00:00 --Serilog:MinimumLevel:Default=Warning)
dotnet "$cal" users create --email h@example.com --time-zone UTC "${settings[@]}" >/dev/null 2>&1
key=$(dotnet "$cal" api-keys create --email h@example.com "${settings[@]}" 2>/dev/null)
ASPNETCORE_ENVIRONMENT=Production dotnet "$cal" --urls "http://127.0.0.1:$port" "${settings[@]}" >"$work/cal.log" 2>&1 & cal_pid=$!; pids+=($cal_pid)
api="http://127.0.0.1:$port"; wait_http "$api/health/live"; wait_http "http://127.0.0.1:$feed_port/changing.ics"
curl -s -o /dev/null -w 'SAVE_STATUS=%{http_code}\n' -X POST "$api/v2/calendars/ics-feed/save" -H "Authorization: Bearer $key" \
  -H 'Content-Type: application/json' -d "{\"urls\":[\"http://127.0.0.1:$feed_port/changing.ics\"]}"

for case in "20260101T000000Z FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30" "00010101T000000Z FREQ=SECONDLY" "19000101T000000Z FREQ=MINUTELY" "00010101T000000Z FREQ=SECONDLY;COUNT=2000000000"; do
  set -- $case
  feed "$1" "$2"
  sleep 1.1 # a new Last-Modified second: within the same second the feed server rightly answers 304 Not Modified
  curl -s -o "$work/busy.json" -w '%{time_total}\n' -H "Authorization: Bearer $key" "$api/v2/calendars/busy-times?dateFrom=2026-03-01&dateTo=2026-03-31&timeZone=UTC" > "$work/busy.time" &
  busy=$!; slowest=0
  while kill -0 "$busy" 2>/dev/null; do
    t=$(curl -s -o /dev/null -w '%{time_total}' "$api/health/live"); slowest=$(python3 -c "print(max($slowest, $t))"); sleep 0.1
  done
  wait "$busy"
  echo "RULE=$2 DTSTART=$1 BUSY_SECONDS=$(cat "$work/busy.time") $(python3 -c "import json;d=json.load(open('$work/busy.json'));print('INTERVALS=%d TRUNCATED=%d' % (len(d['data']), len(d['truncated'])))") HEALTH_SLOWEST_SECONDS=$slowest RSS_MB=$(rss_mb "$cal_pid")"
done
echo "RSS_PEAK_MB=$(hwm_mb "$cal_pid")"
