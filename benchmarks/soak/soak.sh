#!/usr/bin/env bash
# A bounded soak on loopback: Cal (Release, SQLite in a temporary folder) and a feed server; saves and
# busy-time reads for DURATION seconds (default 180) from CONCURRENCY workers (default 8) over USERS managed
# users (default 50); reports requests, errors and the resident-memory curve. Exit code 1 on any error.
# Usage: benchmarks/soak/soak.sh [DURATION_SECONDS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export DURATION="${1:-${DURATION:-180}}" CONCURRENCY="${CONCURRENCY:-8}" USERS="${USERS:-50}"
CAL_PORT=5190 FEED_PORT=5191
work="$(mktemp -d /tmp/cal-soak.XXXXXX)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet build "$root/src/Cal.WebApi" -c Release -nologo -v q >/dev/null
dll="$root/src/Cal.WebApi/bin/Release/net10.0/Cal.WebApi.dll"
node "$root/deploy/fleet/feed-server.mjs" "$FEED_PORT" & pids+=($!)

settings=(--ConnectionStrings:Default="Data Source=$work/cal.db" --DataProtection:KeysPath="$work/keys"
  --Outbound:AllowedHosts:0="127.0.0.1:$FEED_PORT" --RateLimiting:PermitLimit=100000000 --RateLimiting:AccessTokenPermitLimit=100000000 --RateLimiting:OAuthClientPermitLimit=100000000 --FeedCache:TimeToLive=00:00:20
  --Serilog:MinimumLevel:Default=Warning)
cd "$root/src/Cal.WebApi"
client="$(ASPNETCORE_ENVIRONMENT=Production dotnet "$dll" oauth-clients create --name Soak "${settings[@]}" 2>/dev/null)"
ASPNETCORE_ENVIRONMENT=Production dotnet "$dll" --urls "http://127.0.0.1:$CAL_PORT" "${settings[@]}" >"$work/cal.log" 2>&1 & cal=$!; pids+=($cal)
for _ in $(seq 1 100); do node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "http://127.0.0.1:$CAL_PORT/health/ready" && break; sleep 0.2; done

CAL="http://127.0.0.1:$CAL_PORT" FEEDS="http://127.0.0.1:$FEED_PORT" CAL_PID="$cal" \
  CLIENT_ID="$(node -e 'console.log(JSON.parse(process.argv[1]).clientId)' "$client")" \
  CLIENT_SECRET="$(node -e 'console.log(JSON.parse(process.argv[1]).secret)' "$client")" \
  node "$here/soak.mjs"
pattern='"@l":"(Warning|Error|Fatal)"'
echo "server warnings/errors logged: $(grep -cE "$pattern" "$work/cal.log" || true)"
grep -E "$pattern" "$work/cal.log" | sed -E 's/.*"@m":"([^"]{0,120}).*/\1/' | sort | uniq -c | sort -rn | head -n 5 || true
