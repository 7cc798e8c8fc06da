#!/usr/bin/env bash
# Starts Cal on loopback with a fresh SQLite database and a 2-second access-token lifetime, creates an
# OAuth client with the admin command, and runs sdk-flow.mjs (cal.com's @calcom/sdk) against it.
# Needs a built Cal.WebApi (dotnet build / dotnet test first) and node + npm. Usage: tests/sdk-client/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dll="$root/src/Cal.WebApi/bin/${CONFIGURATION:-Debug}/net10.0/Cal.WebApi.dll"
[ -f "$dll" ] || { echo "build Cal first: $dll is missing" >&2; exit 1; }
port="${CAL_SDK_PORT:-5199}"
data="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT

settings=(--ConnectionStrings:Default="Data Source=$data/cal.db" --DataProtection:KeysPath="$data/keys" --Auth:AccessTokenLifetime=00:00:02 --Auth:CacheDuration=00:00:01)
client_json="$(cd "$root/src/Cal.WebApi" && dotnet "$dll" oauth-clients create --name "SDK check" "${settings[@]}" 2>/dev/null)"
client_id="$(node -e 'console.log(JSON.parse(process.argv[1]).clientId)' "$client_json")"
client_secret="$(node -e 'console.log(JSON.parse(process.argv[1]).secret)' "$client_json")"

(cd "$root/src/Cal.WebApi" && exec dotnet "$dll" --urls "http://127.0.0.1:$port" "${settings[@]}" >"$data/server.log" 2>&1) &
server=$!
ready() { node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$port/health/ready"; }
for _ in $(seq 1 100); do ready && break; sleep 0.2; done
ready || { echo "Cal did not start"; cat "$data/server.log"; exit 1; }

cd "$here"
[ -d node_modules/@calcom/sdk ] || npm ci --no-audit --no-fund --loglevel=error
CAL_BASE_URL="http://127.0.0.1:$port/" CAL_CLIENT_ID="$client_id" CAL_CLIENT_SECRET="$client_secret" node sdk-flow.mjs
