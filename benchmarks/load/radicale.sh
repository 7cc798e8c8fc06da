# Sourced by caldav.sh and caldav-index.sh (after common.sh): Debian's Radicale on 127.0.0.1 with user bench and one
# calendar of 5,000 events (1,000 recurring) seeded through CalDAV by caldav_seed.py. Radicale 3.1 takes ~2.5 min to
# store them, so the seeded folder is kept in ~/.cache/cal-benchmarks and copied on later runs (delete it to seed again).
# `start_seeded_radicale LEVEL` (its log level: info logs each request) sets $rad_port, $rad and prints SEEDED=.
command -v radicale >/dev/null || { apt-get update -qq && apt-get install -y -qq radicale >/dev/null; }

start_seeded_radicale() {
  local level=$1
  rad_port=$(free_port)
  mkdir -p "$work/radicale"
  echo "bench:bench-pw" > "$work/radicale/users"
  cat > "$work/radicale/config" <<CONF
[server]
hosts = 127.0.0.1:$rad_port
[auth]
type = htpasswd
htpasswd_filename = $work/radicale/users
htpasswd_encryption = plain
delay = 0
[storage]
filesystem_folder = $work/radicale/collections
[rights]
type = owner_only
[web]
type = none
[logging]
level = $level
mask_passwords = True
CONF
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/cal-benchmarks/caldav-5000"
  seeded=no
  if [ -d "$cache/collection-root/bench/work" ]; then cp -r "$cache" "$work/radicale/collections"; seeded=cached; fi
  radicale --config "$work/radicale/config" >"$work/radicale.log" 2>&1 & pids+=($!)
  rad="http://127.0.0.1:$rad_port"
  for _ in $(seq 1 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$rad/.well-known/caldav")" = "301" ] && break; sleep 0.1; done
  if [ "$seeded" = no ]; then
    start=$(date +%s)
    python3 benchmarks/load/caldav_seed.py "$rad/" bench bench-pw work --whole
    echo "SEED_SECONDS=$(( $(date +%s) - start ))"
    rm -rf "$cache"; mkdir -p "$(dirname "$cache")"; cp -r "$work/radicale/collections" "$cache"
  fi
  echo "SEEDED=$seeded"
}
