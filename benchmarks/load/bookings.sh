#!/usr/bin/env bash
# Issues #31 and #32 through the real server on loopback (Cal in Release, Production, Serilog at Warning, rate limits
# lifted; SQLite, the default; CAL_EXTRA adds settings): booking throughput and latency
# (16 hosts, 16 concurrent clients), outbox throughput (5,000 webhook deliveries to a receiver that answers at once),
# and delivery lag at an offered 100 bookings/s. The driver is bookings-driver.mjs (node, no packages).
# Usage: benchmarks/load/bookings.sh [--duration 20]      (KEY=VALUE lines on stdout)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/load/common.sh
duration_option 20 "$@"
build_release src/Cal.WebApi

port=$(free_port) receiver_port=$(free_port)
settings=(--ConnectionStrings:Default="Data Source=$work/cal.db" --DataProtection:KeysPath="$work/keys"
          --Outbound:AllowedHosts:0="127.0.0.1:$receiver_port" --RateLimiting:PermitLimit=1000000000 --RateLimiting:AccessTokenPermitLimit=1000000000
          --AnonymousAvailability:PermitLimitPerHost=1000000000 ${CAL_EXTRA:-} --Serilog:MinimumLevel:Default=Warning --FeedCache:WarmUp=false)
: > "$work/keys.txt"
for i in $(seq 1 16); do
  dotnet "$cal" users create --email "host$i@example.com" --time-zone UTC "${settings[@]}" >/dev/null 2>&1
  dotnet "$cal" api-keys create --email "host$i@example.com" "${settings[@]}" 2>/dev/null >> "$work/keys.txt"
done
ASPNETCORE_ENVIRONMENT=Production dotnet "$cal" --urls "http://127.0.0.1:$port" "${settings[@]}" >"${CAL_LOG:-$work/cal.log}" 2>&1 & cal_pid=$!; pids+=($cal_pid)
wait_http "http://127.0.0.1:$port/health/live"
if [ -n "${CAL_TRACE:-}" ]; then (sleep ${CAL_TRACE_AFTER:-12}; dotnet dotnet-trace collect -p "$cal_pid" --profile dotnet-sampled-thread-time --format Speedscope --duration 00:00:00:08 -o "$CAL_TRACE" >/dev/null 2>&1) & fi
RECEIVER_PORT=$receiver_port node benchmarks/load/bookings-driver.mjs "http://127.0.0.1:$port" "$work/keys.txt" "$duration"
echo "RSS_MB=$(rss_mb "$cal_pid") PEAK_RSS_MB=$(hwm_mb "$cal_pid")"
