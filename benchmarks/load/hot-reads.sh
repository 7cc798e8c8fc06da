#!/usr/bin/env bash
# Issue #19's hot reads on loopback (127.0.0.1 only), Cal in Release (Production, Serilog at Warning, rate limit lifted):
# a user with two small feeds (20 KB, ~60 events each, a third recurring); GET /v2/calendars and a warm one-week busy-times, each under `wrk -t2 -c64 --latency`,
# against a bare Kestrel floor (benchmarks/Floor) answering the same bytes, in the same run (floor, Cal, floor, Cal).
# Usage: [CAL_TRACE=FILE [CAL_TRACE_RUN=list|busy] [CAL_TRACE_PROVIDERS=...]] benchmarks/load/hot-reads.sh [--duration 10]      (KEY=VALUE lines on stdout)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/load/common.sh
duration_option 10 "$@"
build_release src/Cal.WebApi benchmarks/feedgen benchmarks/Floor

mkdir -p "$work/feeds"
dotnet "$gen" generate --size 20KB --seed 42 --out "$work/feeds/one.ics" 2>/dev/null
dotnet "$gen" generate --size 20KB --seed 7 --out "$work/feeds/two.ics" 2>/dev/null
feed_port=$(free_port)
dotnet "$gen" serve --dir "$work/feeds" --port "$feed_port" >/dev/null & pids+=($!)
wait_http "http://127.0.0.1:$feed_port/one.ics"

port=$(free_port)
settings=(--ConnectionStrings:Default="Data Source=$work/cal.db" --DataProtection:KeysPath="$work/keys"
          --Outbound:AllowedHosts:0="127.0.0.1:$feed_port" --RateLimiting:PermitLimit=1000000000 --Serilog:MinimumLevel:Default=Warning)
dotnet "$cal" users create --email hot@example.com --time-zone UTC "${settings[@]}" >/dev/null 2>&1
key=$(dotnet "$cal" api-keys create --email hot@example.com "${settings[@]}" 2>/dev/null)
ASPNETCORE_ENVIRONMENT=Production dotnet "$cal" --urls "http://127.0.0.1:$port" "${settings[@]}" >"$work/cal.log" 2>&1 & cal_pid=$!; pids+=($cal_pid)
api="http://127.0.0.1:$port"
wait_http "$api/health/live"
curl -sf -o /dev/null -X POST "$api/v2/calendars/ics-feed/save" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d "{\"urls\":[\"http://127.0.0.1:$feed_port/one.ics\",\"http://127.0.0.1:$feed_port/two.ics\"]}"
week="/v2/calendars/busy-times?dateFrom=2026-06-01&dateTo=2026-06-07&timeZone=UTC"
curl -sf "$api/v2/calendars" -H "Authorization: Bearer $key" -o "$work/list.json"
curl -sf "$api$week" -H "Authorization: Bearer $key" -o "$work/busy.json"
echo "LIST_BYTES=$(wc -c < "$work/list.json")"
echo "BUSY_BYTES=$(wc -c < "$work/busy.json") BUSY_INTERVALS=$(python3 -c "import json;print(len(json.load(open('$work/busy.json'))['data']))")"

floor_port=$(free_port)
dotnet "$floor" --body "$work/list.json" --busy "$work/busy.json" --port "$floor_port" >/dev/null & pids+=($!)
floor="http://127.0.0.1:$floor_port"
wait_http "$floor/v2/calendars"
cmp -s "$work/list.json" <(curl -s "$floor/v2/calendars") && cmp -s "$work/busy.json" <(curl -s "$floor$week") || { echo "floor answers differently" >&2; exit 1; }

# CAL_TRACE=FILE: a CPU sample trace of Cal during its measured list run (CAL_TRACE_RUN=busy: the busy-times run), by
# dotnet-trace (the repo's local tool), as speedscope; with CAL_TRACE_PROVIDERS=... (dotnet-trace's --providers) those
# events instead, as nettrace.
trace_run="cal_${CAL_TRACE_RUN:-list}"
run_wrk() { # name url [wrk args...]: 3 s warm-up, then the measured run
  local name=$1 url=$2; shift 2
  wrk -t2 -c64 -d3s "$@" "$url" >/dev/null 2>&1 || true
  if [ -n "${CAL_TRACE:-}" ] && [ "$name" = "$trace_run" ]; then
    if [ -n "${CAL_TRACE_PROVIDERS:-}" ]; then trace_args=(--providers "$CAL_TRACE_PROVIDERS"); else trace_args=(--profile dotnet-sampled-thread-time --format Speedscope); fi
    (sleep 2; dotnet dotnet-trace collect -p "$cal_pid" "${trace_args[@]}" --duration 00:00:00:06 -o "$CAL_TRACE" >/dev/null 2>&1) &
  fi
  wrk -t2 -c64 -d"${duration}s" --latency "$@" "$url" > "$work/$name.txt"
  awk -v n="$name" '/^Requests\/sec/ {print toupper(n) "_RPS=" $2} $1 == "50%" {print toupper(n) "_P50=" $2} $1 == "99%" {print toupper(n) "_P99=" $2} /Non-2xx/ {print toupper(n) "_NON2XX=" $NF}' "$work/$name.txt"
}
for _ in $(seq 1 300); do curl -s -o /dev/null -H "Authorization: Bearer $key" "$api/v2/calendars"; curl -s -o /dev/null -H "Authorization: Bearer $key" "$api$week"; done
sleep 2
run_wrk floor_list "$floor/v2/calendars"
run_wrk cal_list "$api/v2/calendars" -H "Authorization: Bearer $key"
run_wrk floor_busy "$floor$week"
run_wrk cal_busy "$api$week" -H "Authorization: Bearer $key"
python3 - "$work" <<'PY'
import re, sys
w = sys.argv[1]
rps = lambda n: float(re.search(r"Requests/sec:\s+([\d.]+)", open(f"{w}/{n}.txt").read()).group(1))
print(f"LIST_RATIO={rps('cal_list') / rps('floor_list'):.2f}")
print(f"BUSY_RATIO={rps('cal_busy') / rps('floor_busy'):.2f}")
PY
echo "RSS_MB=$(rss_mb "$cal_pid")"
