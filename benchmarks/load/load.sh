#!/usr/bin/env bash
# Load and latency on loopback (127.0.0.1 only), with wrk (Debian package `wrk`):
#   P4  GET /v2/calendars (authenticated, one saved small feed) at 64 connections, against a bare Kestrel floor
#       (benchmarks/Floor) answering the same JSON; rps and p99 from `wrk --latency`.
#   P1  one save of 10 feeds each delayed 500 ms by the feed server, against one save of one such feed (median of 5).
#   save throughput: POST /v2/calendars/ics-feed/save of one 100 KB feed (no delay) at 8 connections.
# Cal runs in Release, ASPNETCORE_ENVIRONMENT=Production, Serilog minimum level Warning, rate limit lifted.
# Usage: [CAL_EXTRA_SETTINGS="--Key=Value ..."] benchmarks/load/load.sh [--duration 15] [--out results.env]   (results as KEY=VALUE lines; CAL_TRACE=FILE also traces Cal)
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=15; out=/dev/stdout
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2;;
    --out) out="$2"; shift 2;;
    *) echo "usage: $0 [--duration S] [--out FILE]" >&2; exit 2;;
  esac
done
source benchmarks/load/common.sh

build_release src/Cal.WebApi benchmarks/feedgen benchmarks/Floor

mkdir -p "$work/feeds"
dotnet "$gen" generate --size 100KB --seed 42 --out "$work/feeds/feed100k.ics" 2>/dev/null
dotnet "$gen" generate --size 2KB --seed 42 --out "$work/feeds/small.ics" 2>/dev/null
feed_port=$(free_port); cal_port=$(free_port); floor_port=$(free_port)
dotnet "$gen" serve --dir "$work/feeds" --port "$feed_port" >/dev/null & pids+=($!)
feeds="http://127.0.0.1:$feed_port"

settings=(--ConnectionStrings:Default="Data Source=$work/cal.db" --DataProtection:KeysPath="$work/keys"
          --Outbound:AllowedHosts:0="127.0.0.1:$feed_port" --RateLimiting:PermitLimit=100000000 --RateLimiting:AccessTokenPermitLimit=100000000 --RateLimiting:OAuthClientPermitLimit=100000000
          --Outbound:MaxBytesPerUserPerMinute=1099511627776
          --Serilog:MinimumLevel:Default=Warning)
# Extra settings for a comparison run, e.g. CAL_EXTRA_SETTINGS="--Database:SqliteSynchronous=Normal".
read -r -a extra <<< "${CAL_EXTRA_SETTINGS:-}"
settings+=("${extra[@]}")
dotnet "$cal" users create --email load@example.com "${settings[@]}" >/dev/null 2>&1
dotnet "$cal" users create --email saver@example.com "${settings[@]}" >/dev/null 2>&1
key=$(dotnet "$cal" api-keys create --email load@example.com "${settings[@]}" 2>/dev/null)
saver=$(dotnet "$cal" api-keys create --email saver@example.com "${settings[@]}" 2>/dev/null)

ASPNETCORE_ENVIRONMENT=Production dotnet "$cal" --urls "http://127.0.0.1:$cal_port" "${settings[@]}" >"$work/cal.log" 2>&1 & cal_pid=$!; pids+=($cal_pid)
api="http://127.0.0.1:$cal_port"
wait_http "$api/v2/x"; wait_http "$feeds/small.ics"

save() { # save KEY JSON_URLS -> prints "status seconds"
  curl -s -o "$work/save.json" -w '%{http_code} %{time_total}\n' -X POST "$api/v2/calendars/ics-feed/save" \
    -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "{\"urls\":$2,\"readOnly\":true}"
}

# P1: one feed delayed 500 ms, then ten feeds each delayed 500 ms (distinct URLs), 5 times each after a warm-up.
one="[\"$feeds/feed100k.ics?delayMs=500\"]"
ten=$(python3 -c "import json,sys; print(json.dumps([f'$feeds/feed100k.ics?delayMs=500&u={i}' for i in range(10)]))")
save "$saver" "$one" >/dev/null; save "$saver" "$ten" >/dev/null
: > "$work/p1one"; : > "$work/p1ten"; statuses=""
for _ in 1 2 3 4 5; do
  read -r code t < <(save "$saver" "$one"); echo "$t" >> "$work/p1one"; statuses+="$code "
  read -r code t < <(save "$saver" "$ten"); echo "$t" >> "$work/p1ten"; statuses+="$code "
done
p1_one=$(median < "$work/p1one"); p1_ten=$(median < "$work/p1ten")

# P4: the cheap endpoint. The load user has one small feed saved; its answer is what the floor serves.
[ "$(save "$key" "[\"$feeds/small.ics\"]" | cut -d' ' -f1)" = 201 ] || { echo "save failed: $(cat "$work/save.json")" >&2; exit 1; }
curl -sf "$api/v2/calendars" -H "Authorization: Bearer $key" -o "$work/calendars.json"
dotnet "$floor" --body "$work/calendars.json" --port "$floor_port" >/dev/null & pids+=($!)
wait_http "http://127.0.0.1:$floor_port/v2/calendars"
cmp -s "$work/calendars.json" <(curl -s "http://127.0.0.1:$floor_port/v2/calendars") || { echo "floor answers differently" >&2; exit 1; }

run_wrk() { # name url [wrk args...]: 3 s warm-up, then the measured run; writes $work/name.txt
  local name=$1 url=$2; shift 2
  wrk -t2 -c64 -d3s "$@" "$url" >/dev/null 2>&1 || true
  wrk -t2 -c64 -d"${duration}s" --latency "$@" "$url" > "$work/$name.txt"
}
rps() { awk '/^Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' "$1"; }
non2xx() { awk '/Non-2xx or 3xx responses/ {print $5}' "$1" | grep . || echo 0; }
run_wrk floor "http://127.0.0.1:$floor_port/v2/calendars"
# CAL_TRACE=FILE: a CPU sample trace of Cal during the measured GET run (dotnet-trace, the repo's local tool).
if [ -n "${CAL_TRACE:-}" ]; then
  (sleep 4; dotnet dotnet-trace collect -p "$cal_pid" --profile dotnet-sampled-thread-time --duration 00:00:00:08 -o "$CAL_TRACE" >/dev/null 2>&1) &
fi
run_wrk cal "$api/v2/calendars" -H "Authorization: Bearer $key"

# Save throughput: one 100 KB feed per save, 8 connections (each save replaces the user's feeds).
cat > "$work/save.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $saver"
wrk.body = '{"urls":["$feeds/feed100k.ics"],"readOnly":true}'
LUA
wrk -t2 -c8 -d3s -s "$work/save.lua" "$api/v2/calendars/ics-feed/save" >/dev/null 2>&1 || true
wrk -t2 -c8 -d"${duration}s" --latency -s "$work/save.lua" "$api/v2/calendars/ics-feed/save" > "$work/save.txt"

{
  echo "P1_ONE_S=$p1_one"; echo "P1_TEN_S=$p1_ten"; echo "P1_STATUSES=\"$statuses\""
  echo "FLOOR_RPS=$(rps "$work/floor.txt")"; echo "FLOOR_P99_MS=$(p99 "$work/floor.txt")"; echo "FLOOR_NON2XX=$(non2xx "$work/floor.txt")"
  echo "CAL_RPS=$(rps "$work/cal.txt")"; echo "CAL_P99_MS=$(p99 "$work/cal.txt")"; echo "CAL_NON2XX=$(non2xx "$work/cal.txt")"
  echo "SAVE_RPS=$(rps "$work/save.txt")"; echo "SAVE_P99_MS=$(p99 "$work/save.txt")"; echo "SAVE_NON2XX=$(non2xx "$work/save.txt")"
  echo "LOAD_DURATION_S=$duration"
} > "$out"
if [ "$out" != /dev/stdout ]; then cat "$out"; fi
for f in floor cal save; do echo "--- wrk $f" >&2; cat "$work/$f.txt" >&2; done
