#!/usr/bin/env bash
# Issue #28 as an attacker tries it, on loopback only, Cal in Release:
#   - one user, a schedule of every day 00:00-23:59 UTC (the feed leaves its gaps there), a 30-minute event type and an ICS feed of 1,000
#     recurring events (feedgen --recurring 1000);
#   - with no key, GET /v2/slots for a year with duration=1: status, seconds, bytes, and the server's CPU-seconds for it
#     (utime + stime from /proc); then the same with a client that gives up after 0.5 s, and the CPU the server spends
#     in the 10 s after it left;
#   - the year edges (9999, 0001): status;
#   - a hostile CalDAV server (python, loopback) that answers every request with a 25 MB multistatus of tiny
#     elements: 8 accounts added at once; statuses, seconds, and Cal's peak resident memory (VmHWM).
# CAL_TREE=path runs another checkout's Cal (e.g. a worktree of the commit before the fix) with this script's tools.
# Usage: [CAL_TREE=../before] benchmarks/load/attack.sh      (KEY=VALUE lines on stdout)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/load/common.sh
duration_option 0 "$@"
tree=${CAL_TREE:-.}
build_release benchmarks/feedgen
dotnet build "$tree/src/Cal.WebApi" -c Release -v q -nologo >/dev/null
cal="$tree/src/Cal.WebApi/bin/Release/net10.0/Cal.WebApi.dll"
echo "TREE=$(git -C "$tree" rev-parse --short HEAD)"

mkdir -p "$work/feeds"
dotnet "$gen" generate --recurring 1000 --seed 42 --out "$work/feeds/recurring.ics" >/dev/null 2>&1
feed_port=$(free_port); hostile_port=$(free_port); port=$(free_port)
dotnet "$gen" serve --dir "$work/feeds" --port "$feed_port" >/dev/null & pids+=($!)
wait_http "http://127.0.0.1:$feed_port/recurring.ics"

# The hostile CalDAV server: 25 MB (just under Outbound:MaxFeedBytes) of <d:x/> inside one multistatus, to anyone.
python3 - "$hostile_port" <<'PY' & pids+=($!)
import http.server, sys
head = b'<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>/c/</d:href><d:propstat><d:prop>'
tail = b'</d:prop></d:propstat></d:response></d:multistatus>'
body = head + b"<d:x/>" * ((25 * 1024 * 1024 - 2048) // 6) + tail
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def any(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n: self.rfile.read(n)
        self.send_response(207); self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    do_GET = do_PROPFIND = do_REPORT = do_OPTIONS = any
http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
wait_http "http://127.0.0.1:$hostile_port/"

settings=(--ConnectionStrings:Default="Data Source=$work/cal.db" --DataProtection:KeysPath="$work/keys"
          --Outbound:AllowedHosts:0="127.0.0.1:$feed_port" --Outbound:AllowedHosts:1="127.0.0.1:$hostile_port"
          --Serilog:MinimumLevel:Default=Warning --FeedCache:WarmUp=false)
dotnet "$cal" users create --email a@example.com --time-zone UTC "${settings[@]}" >/dev/null 2>&1
key=$(dotnet "$cal" api-keys create --email a@example.com "${settings[@]}" 2>/dev/null)
ASPNETCORE_ENVIRONMENT=Production dotnet "$cal" --urls "http://127.0.0.1:$port" "${settings[@]}" >"$work/cal.log" 2>&1 & cal_pid=$!; pids+=($cal_pid)
api="http://127.0.0.1:$port"; wait_http "$api/health/live"
post() { curl -s -X POST "$api$1" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$2"; }
post /v2/calendars/ics-feed/save "{\"urls\":[\"http://127.0.0.1:$feed_port/recurring.ics\"]}" > /dev/null
post /v2/schedules '{"name":"Always","timeZone":"UTC","isDefault":true,"availability":[{"days":["Monday","Tuesday","Wednesday","Thursday","Friday","Saturday","Sunday"],"startTime":"00:00","endTime":"23:59"}]}' > /dev/null
event_type=$(post /v2/event-types '{"title":"30 min","slug":"30-min","lengthInMinutes":30}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"])')
cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$cal_pid/stat"; }   # CPU-seconds so far (USER_HZ = 100)
attack="$api/v2/slots?eventTypeId=$event_type&start=2027-01-01&end=2027-12-31&duration=1"
curl -s -o /dev/null "$api/v2/slots?eventTypeId=$event_type&start=2027-01-04&end=2027-01-05" # warm the feed's index

before=$(cpu)
curl -s -o "$work/attack.json" -w 'ATTACK_STATUS=%{http_code}\nATTACK_SECONDS=%{time_total}\nATTACK_BYTES=%{size_download}\n' "$attack"
echo "ATTACK_CPU_SECONDS=$(python3 -c "print(round($(cpu) - $before, 2))")"
echo "ATTACK_ANSWER=$(head -c 160 "$work/attack.json")"
year="$api/v2/slots?eventTypeId=$event_type&start=2027-01-01&end=2027-12-31"
before=$(cpu)
curl -s -o /dev/null -w 'YEAR_STATUS=%{http_code}\nYEAR_SECONDS=%{time_total}\nYEAR_BYTES=%{size_download}\n' "$year"
echo "YEAR_CPU_SECONDS=$(python3 -c "print(round($(cpu) - $before, 2))")"
echo "WEEK_SLOTS=$(curl -s "$api/v2/slots?eventTypeId=$event_type&start=2027-01-04&end=2027-01-10" | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(sum(len(v) for v in d.values()))')"
echo "WEEK_BUSY=$(curl -s "$api/v2/calendars/busy-times?dateFrom=2027-01-04&dateTo=2027-01-10&timeZone=UTC" -H "Authorization: Bearer $key" | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(len(d))')"

# A client that leaves after 0.5 s: the CPU the server spends in the 10 s after, beside 10 s of it idle just before.
idle=$(cpu); sleep 10
echo "CPU_SECONDS_IDLE_10S=$(python3 -c "print(round($(cpu) - $idle, 2))")"
curl -s -o /dev/null --max-time 0.5 "$attack" || true
left=$(cpu); sleep 10
echo "CPU_SECONDS_AFTER_CLIENT_LEFT=$(python3 -c "print(round($(cpu) - $left, 2))")"

for edge in "start=9999-06-01&end=9999-07-01" "start=0001-01-02&end=0001-01-05"; do
  echo "EDGE_${edge:6:4}_STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$api/v2/slots?eventTypeId=$event_type&$edge")"
done
echo "ERRORS_LOGGED=$(grep -c '"@l":"Error"' "$work/cal.log" || true)"

echo "PEAK_RSS_MB_BEFORE_HOSTILE=$(hwm_mb "$cal_pid")"
# 8 hostile CalDAV accounts at once.
start=$(date +%s.%N)
for i in $(seq 1 8); do
  curl -s -o "$work/hostile-$i.json" -w '%{http_code} %{time_total}\n' -X POST "$api/v2/calendars/caldav/credentials" -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' -d "{\"url\":\"http://127.0.0.1:$hostile_port/\",\"username\":\"u$i\",\"password\":\"p\"}" > "$work/hostile-$i.txt" &
done
wait_all() { for i in $(seq 1 8); do while [ ! -s "$work/hostile-$i.txt" ]; do sleep 0.1; done; done; }
wait_all
echo "HOSTILE_WALL_SECONDS=$(python3 -c "import time; print(round(time.time() - $start, 2))")"
echo "HOSTILE_ANSWERS=$(cat "$work"/hostile-*.txt | awk '{print $1}' | sort | uniq -c | xargs)"
echo "HOSTILE_SLOWEST_SECONDS=$(cat "$work"/hostile-*.txt | awk '{print $2}' | sort -n | tail -1)"
echo "HOSTILE_MESSAGE=$(python3 -c "import json; print(json.load(open('$work/hostile-1.json'))['error']['message'][:160])" 2>/dev/null || head -c 160 "$work/hostile-1.json")"
echo "RSS_MB=$(rss_mb "$cal_pid") PEAK_RSS_MB=$(hwm_mb "$cal_pid")"
