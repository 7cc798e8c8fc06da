#!/usr/bin/env bash
# Cal as a fleet, on loopback only: PostgreSQL (temporary data directory), Redis, two Cal instances and
# nginx round-robin in front, plus a loopback feed server; then fleet-check.mjs proves, through nginx and
# each instance: a save on one is listed by the other at once (read models invalidated through Redis pub/sub),
# the feed cache and Data Protection keys are shared, ten concurrent first reads of a feed on both instances cost
# one upstream fetch, the rate limit is global, a revoked key or deleted user is refused by the other instance
# within 100 ms (pub/sub; Auth:CacheDuration only bounds a lost message), and killing an
# instance mid-load loses no acknowledged save; then that a Redis flush loses no credential (the key ring
# is in the database): a new instance started after FLUSHALL reads a credential saved before it.
# Bookings: 20 concurrent bookings of one slot across A and B make exactly one 201, and each booking's webhook is
# delivered once, by one of the two instances. Stops everything it started. Exit code 0 only if all pass.
# Usage: deploy/fleet/fleet.sh   (installs postgresql, redis-server and nginx from Debian if missing)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
configuration="${CONFIGURATION:-Debug}"
LB_PORT=5180 A_PORT=5181 B_PORT=5182 C_PORT=5183 PG_PORT=55432 REDIS_PORT=56379 FEED_PORT=5189
PERMIT_LIMIT=100 CACHE_BOUND=00:00:05 CACHE_BOUND_MS=5000

# What is missing, from Debian.
missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
pg_bin="$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort | tail -n 1)")"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

work="$(mktemp -d /tmp/cal-fleet.XXXXXX)"
chmod 755 "$work"
pids=()
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  [ -d "$work/pg/data" ] && as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
wait_for() { # url, name, log
  for _ in $(seq 1 150); do
    node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1" && return 0
    sleep 0.2
  done
  echo "$2 did not start"; [ -n "${3:-}" ] && tail -n 30 "$3"; exit 1
}

echo "== build"
dotnet build "$root/src/Cal.WebApi" -c "$configuration" -nologo -v q >/dev/null
dll="$root/src/Cal.WebApi/bin/$configuration/net10.0/Cal.WebApi.dll"

echo "== PostgreSQL on 127.0.0.1:$PG_PORT"
mkdir -p "$work/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$work/pg"
as_postgres "$pg_bin/initdb" -D "$work/pg/data" -A trust -U cal --no-sync -E UTF8 >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
  -o "-p $PG_PORT -k $work/pg -c listen_addresses=127.0.0.1" start >/dev/null

echo "== Redis on 127.0.0.1:$REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --protected-mode yes >"$work/redis.log" 2>&1 &
pids+=($!)

echo "== feed server on 127.0.0.1:$FEED_PORT"
node "$here/feed-server.mjs" "$FEED_PORT" &
pids+=($!)

export ASPNETCORE_ENVIRONMENT=Production
export Database__Provider=Postgres
export ConnectionStrings__Default="Host=127.0.0.1;Port=$PG_PORT;Username=cal;Database=cal"
export Redis__Configuration="127.0.0.1:$REDIS_PORT"
export Outbound__AllowedHosts__0="127.0.0.1:$FEED_PORT"
export Auth__CacheDuration="$CACHE_BOUND" RateLimiting__PermitLimit="$PERMIT_LIMIT" RateLimiting__AccessTokenPermitLimit="$PERMIT_LIMIT" RateLimiting__OAuthClientPermitLimit=100000 ForwardedHeaders__KnownProxies__0=127.0.0.1
export Serilog__MinimumLevel__Default=Warning

echo "== admin commands (migrate the shared database once, before the instances start)"
cd "$root/src/Cal.WebApi"
client_json="$(dotnet "$dll" oauth-clients create --name "Fleet check" 2>"$work/admin.log")"
dotnet "$dll" users create --email fleet-admin@example.com >/dev/null 2>>"$work/admin.log"
api_key="$(dotnet "$dll" api-keys create --email fleet-admin@example.com 2>>"$work/admin.log")"

echo "== Cal instances A (127.0.0.1:$A_PORT) and B (127.0.0.1:$B_PORT)"
dotnet "$dll" --urls "http://127.0.0.1:$A_PORT" >"$work/a.log" 2>&1 &
a_pid=$!; pids+=($a_pid)
dotnet "$dll" --urls "http://127.0.0.1:$B_PORT" >"$work/b.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$A_PORT/health/ready" "instance A" "$work/a.log"
wait_for "http://127.0.0.1:$B_PORT/health/ready" "instance B" "$work/b.log"

echo "== nginx round-robin on 127.0.0.1:$LB_PORT"
mkdir -p "$work/nginx"
user_line=""; [ "$(id -u)" -eq 0 ] && user_line="user root;"
cat >"$work/nginx/nginx.conf" <<CONF
$user_line
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream cal {
    server 127.0.0.1:$A_PORT max_fails=1 fail_timeout=30s;
    server 127.0.0.1:$B_PORT max_fails=1 fail_timeout=30s;
  }
  server {
    listen 127.0.0.1:$LB_PORT;
    location / {
      proxy_pass http://cal;
      proxy_next_upstream error timeout http_502;
      proxy_connect_timeout 2s;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf"
wait_for "http://127.0.0.1:$LB_PORT/health/live" "nginx" "$work/nginx/error.log"

echo "== checks"
set +e
LB="http://127.0.0.1:$LB_PORT" A="http://127.0.0.1:$A_PORT" B="http://127.0.0.1:$B_PORT" FEEDS="http://127.0.0.1:$FEED_PORT" \
  CLIENT_ID="$(node -e 'console.log(JSON.parse(process.argv[1]).clientId)' "$client_json")" \
  CLIENT_SECRET="$(node -e 'console.log(JSON.parse(process.argv[1]).secret)' "$client_json")" \
  API_KEY="$api_key" A_PID="$a_pid" PERMIT_LIMIT="$PERMIT_LIMIT" CACHE_BOUND_MS="$CACHE_BOUND_MS" \
  node "$here/fleet-check.mjs"
status=$?

if [ "$status" -eq 0 ]; then
  echo "== a Redis flush loses no credential (key ring in the database)"
  flush_key="$(dotnet "$dll" api-keys create --email fleet-admin@example.com 2>>"$work/admin.log")"
  node -e '
    const [b, key, url] = process.argv.slice(1);
    fetch(b + "/v2/calendars/ics-feed/save", { method: "POST", headers: { authorization: "Bearer " + key, "content-type": "application/json" }, body: JSON.stringify({ urls: [url] }) })
      .then(async r => { if (r.status !== 201) { console.log("FAIL - save before the flush:", r.status, await r.text()); process.exit(1); } });
  ' "http://127.0.0.1:$B_PORT" "$flush_key" "http://127.0.0.1:$FEED_PORT/flush-check.ics" || status=1
  node -e '
    const net = require("node:net"); const s = net.connect(Number(process.argv[1]), "127.0.0.1");
    s.on("connect", () => s.write("FLUSHALL\r\n")); s.on("data", d => { if (!String(d).startsWith("+OK")) process.exit(1); s.end(); });
  ' "$REDIS_PORT" || status=1
  dotnet "$dll" --urls "http://127.0.0.1:$C_PORT" >"$work/c.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$C_PORT/health/ready" "instance C (started after the flush)" "$work/c.log"
  node -e '
    const [c, key] = process.argv.slice(1);
    fetch(c + "/v2/calendars/ics-feed/check", { headers: { authorization: "Bearer " + key } })
      .then(async r => { const ok = r.status === 200; console.log(`${ok ? "ok" : "FAIL"} - instance C, started after FLUSHALL, reads the credential saved before it (${r.status})`); process.exit(ok ? 0 : 1); });
  ' "http://127.0.0.1:$C_PORT" "$flush_key" || status=1
fi
set -e
if [ "$status" -ne 0 ]; then
  echo "-- instance A log (tail)"; tail -n 20 "$work/a.log"
  echo "-- instance B log (tail)"; tail -n 20 "$work/b.log"
fi
exit "$status"
