#!/usr/bin/env bash
# Memory of N concurrent saves of one large feed (issue: bounded working set).
# Usage: benchmarks/memory/ten-saves.sh [-n 10] [--size 25MB] [--keep]
# Loopback only: the feed server and Cal both bind 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=10; size=25MB; keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    -n) n="$2"; shift 2;;
    --size) size="$2"; shift 2;;
    --keep) keep=1; shift;;
    *) echo "usage: $0 [-n N] [--size 25MB] [--keep]" >&2; exit 2;;
  esac
done
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ "$keep" = 1 ] && echo "kept $work" || rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || shuf -i 20000-60000 -n 1; }

dotnet build src/Cal.WebApi -c Release -v q -nologo >/dev/null
dotnet build benchmarks/feedgen -c Release -v q -nologo >/dev/null
gen=benchmarks/feedgen/bin/Release/net10.0/Cal.Benchmarks.FeedGen.dll
cal=src/Cal.WebApi/bin/Release/net10.0/Cal.WebApi.dll

dotnet "$gen" generate --size "$size" --seed 42 --out "$work/feed.ics" 2>&1
feed_port=$(free_port); cal_port=$(free_port)
dotnet "$gen" serve --dir "$work" --port "$feed_port" >/dev/null & pids+=($!)

settings=(--ConnectionStrings:Default="Data Source=$work/cal.db" --DataProtection:KeysPath="$work/keys"
          --Outbound:AllowedHosts:0="127.0.0.1:$feed_port" --Outbound:FeedTimeout=00:01:00 --Outbound:SaveTimeout=00:02:00)
keys=()
for i in $(seq 1 "$n"); do
  dotnet "$cal" users create --email "bench$i@example.com" "${settings[@]}" >/dev/null 2>&1
  keys+=("$(dotnet "$cal" api-keys create --email "bench$i@example.com" "${settings[@]}" 2>/dev/null)")
done

ASPNETCORE_ENVIRONMENT=Production dotnet "$cal" --urls "http://127.0.0.1:$cal_port" "${settings[@]}" >"$work/cal.log" 2>&1 & cal_pid=$!; pids+=($cal_pid)
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$cal_port/v2/x" && break; sleep 0.1; done
# one warm-up save so JIT and pools are not counted as the saves' memory
curl -s -o /dev/null -X POST "http://127.0.0.1:$cal_port/v2/calendars/ics-feed/save" -H "Authorization: Bearer ${keys[0]}" \
  -H 'Content-Type: application/json' -d "{\"urls\":[\"http://127.0.0.1:$feed_port/feed.ics\"]}"
rss() { awk '/VmRSS/ {print $2}' "/proc/$cal_pid/status"; }
baseline=$(rss)

peak=0
start=$(date +%s.%N)
for i in $(seq 0 $((n - 1))); do
  curl -s -o "$work/out$i.json" -w "%{http_code}\n" -X POST "http://127.0.0.1:$cal_port/v2/calendars/ics-feed/save" \
    -H "Authorization: Bearer ${keys[$i]}" -H 'Content-Type: application/json' \
    -d "{\"urls\":[\"http://127.0.0.1:$feed_port/feed.ics?u=$i\"]}" > "$work/code$i" &
  curl_pids+=($!)
done
while kill -0 "${curl_pids[@]}" 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.1; done
wait "${curl_pids[@]}" 2>/dev/null || true
end=$(date +%s.%N)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$cal_pid/status")
codes=$(cat "$work"/code* | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')
bytes=$(stat -c %s "$work/feed.ics")

printf '| feed | concurrent saves | RSS before (MB) | peak RSS during (MB) | VmHWM (MB) | wall time (s) | statuses |\n|---|---|---|---|---|---|---|\n'
printf '| %s bytes | %s | %d | %d | %d | %.2f | %s|\n' "$bytes" "$n" $((baseline / 1024)) $((peak / 1024)) $((hwm / 1024)) "$(echo "$end - $start" | bc -l 2>/dev/null || awk "BEGIN{print $end-$start}")" "$codes"
