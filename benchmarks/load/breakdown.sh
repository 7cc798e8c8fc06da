#!/usr/bin/env bash
# Where GET /v2/calendars's time goes, by removing work (loopback only, wrk -t2 -c64, Cal as in load.sh):
#   floor (bare Kestrel) | Cal, no Authorization header (401: pipeline only) | Cal, authenticated user without
#   calendars (auth + one credentials query) | Cal, authenticated user with one small saved feed (the P4 case).
# Usage: benchmarks/load/breakdown.sh [--duration 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=10
[ "${1:-}" = --duration ] && duration="$2"
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }
dotnet build src/Cal.WebApi -c Release -v q -nologo >/dev/null
dotnet build benchmarks/feedgen -c Release -v q -nologo >/dev/null
dotnet build benchmarks/Floor -c Release -v q -nologo >/dev/null
gen=benchmarks/feedgen/bin/Release/net10.0/Cal.Benchmarks.FeedGen.dll
cal=src/Cal.WebApi/bin/Release/net10.0/Cal.WebApi.dll
mkdir -p "$work/feeds"; dotnet "$gen" generate --size 2KB --seed 42 --out "$work/feeds/small.ics" 2>/dev/null
feed_port=$(free_port); cal_port=$(free_port); floor_port=$(free_port)
dotnet "$gen" serve --dir "$work/feeds" --port "$feed_port" >/dev/null & pids+=($!)
settings=(--ConnectionStrings:Default="Data Source=$work/cal.db" --DataProtection:KeysPath="$work/keys"
          --Outbound:AllowedHosts:0="127.0.0.1:$feed_port" --RateLimiting:PermitLimit=100000000 --RateLimiting:AccessTokenPermitLimit=100000000 --RateLimiting:OAuthClientPermitLimit=100000000 --Serilog:MinimumLevel:Default=Warning)
for u in empty one; do dotnet "$cal" users create --email "$u@example.com" "${settings[@]}" >/dev/null 2>&1; done
empty=$(dotnet "$cal" api-keys create --email empty@example.com "${settings[@]}" 2>/dev/null)
one=$(dotnet "$cal" api-keys create --email one@example.com "${settings[@]}" 2>/dev/null)
ASPNETCORE_ENVIRONMENT=Production dotnet "$cal" --urls "http://127.0.0.1:$cal_port" "${settings[@]}" >"$work/cal.log" 2>&1 & cal_pid=$!; pids+=($cal_pid)
api="http://127.0.0.1:$cal_port"; wait_http "$api/v2/x"; wait_http "http://127.0.0.1:$feed_port/small.ics"
curl -s -o /dev/null -X POST "$api/v2/calendars/ics-feed/save" -H "Authorization: Bearer $one" -H 'Content-Type: application/json' \
  -d "{\"urls\":[\"http://127.0.0.1:$feed_port/small.ics\"]}"
curl -s "$api/v2/calendars" -H "Authorization: Bearer $one" -o "$work/body.json"
dotnet benchmarks/Floor/bin/Release/net10.0/Cal.Benchmarks.Floor.dll --body "$work/body.json" --port "$floor_port" >/dev/null & floor_pid=$!; pids+=($floor_pid)
wait_http "http://127.0.0.1:$floor_port/v2/calendars"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, clock ticks
measure() { # label pid url [headers]: rps, p99, non-2xx, and the server's CPU time per request
  local label=$1 pid=$2 url=$3; shift 3
  wrk -t2 -c64 -d3s "$@" "$url" >/dev/null 2>&1 || true
  local before; before=$(cpu "$pid")
  wrk -t2 -c64 -d"${duration}s" --latency "$@" "$url" > "$work/w.txt"
  local ticks=$(( $(cpu "$pid") - before )) requests; requests=$(awk '/requests in/ {print $1}' "$work/w.txt")
  printf '| %s | %s | %s | %s | %s |\n' "$label" "$(awk '/^Requests\/sec/ {print $2}' "$work/w.txt")" "$(awk '$1 == "99%" {print $2}' "$work/w.txt")" \
    "$(awk '/Non-2xx/ {print $5}' "$work/w.txt" | grep . || echo 0)" "$(awk -v t="$ticks" -v r="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", t / hz * 1e6 / r}')"
}
echo "| GET /v2/calendars, 64 connections, ${duration} s | rps | p99 | non-2xx | server CPU µs/request |"; echo "|---|---|---|---|---|"
measure "floor: bare Kestrel, same JSON" "$floor_pid" "http://127.0.0.1:$floor_port/v2/calendars"
measure "Cal, no Authorization (401)" "$cal_pid" "$api/v2/calendars"
measure "Cal, key of a user without calendars" "$cal_pid" "$api/v2/calendars" -H "Authorization: Bearer $empty"
measure "Cal, key of a user with one small feed (P4)" "$cal_pid" "$api/v2/calendars" -H "Authorization: Bearer $one"
