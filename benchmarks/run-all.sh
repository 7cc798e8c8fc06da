#!/usr/bin/env bash
# Every benchmark of issue 7 in one run, and ONE table written into benchmarks/README.md (between the bench markers):
# feeds from feedgen (seed 42), Cal under BenchmarkDotNet (Cal.Benchmarks), cal.com's path with ical.js 2 on Node
# (benchmarks/icaljs), busy intervals compared for equality, and wrk load on loopback (benchmarks/load/load.sh).
# Usage: benchmarks/run-all.sh [--duration 15] [--no-readme]     Needs: .NET SDK, node + npm, python3, curl, wrk (installed if missing).
# Everything stays on 127.0.0.1; npm only installs the locked ical.js.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
duration=15; readme=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2;;
    --no-readme) readme=0; shift;;
    *) echo "usage: $0 [--duration S] [--no-readme]" >&2; exit 2;;
  esac
done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
log() { echo "[run-all] $*" >&2; }

# Debian packages it needs (wrk and curl are checked again by load.sh).
missing=(); for tool in python3 wrk curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet tool restore >/dev/null
dotnet build benchmarks/feedgen -c Release -nologo -v q >/dev/null
dotnet build benchmarks/Cal.Benchmarks -c Release -nologo -v q >/dev/null
gen=benchmarks/feedgen/bin/Release/net10.0/Cal.Benchmarks.FeedGen.dll
bench=benchmarks/Cal.Benchmarks/bin/Release/net10.0/Cal.Benchmarks.dll
(cd benchmarks/icaljs && [ -d node_modules/ical.js ] || npm ci --no-audit --no-fund >/dev/null)

log "feeds"
for size in 100KB 5MB 25MB; do dotnet "$gen" generate --size "$size" --seed 42 --out "$work/feed$size.ics" 2>>"$work/feeds.txt"; done
dotnet "$gen" generate --recurring 1000 --seed 42 --out "$work/recurring.ics" 2>>"$work/feeds.txt"
cat "$work/feeds.txt" >&2
bytes25=$(stat -c %s "$work/feed25MB.ics")

log "busy intervals: Cal vs ical.js (equality)"
dotnet "$bench" busy --feed "$work/recurring.ics" --out "$work/cal-rec.json" 2>&1 | tee "$work/cal-rec.txt" >&2
node benchmarks/icaljs/bench.mjs busy "$work/recurring.ics" --out "$work/js-rec.json" --runs 5 > "$work/js-rec.txt"
node benchmarks/icaljs/compare.mjs "$work/cal-rec.json" "$work/js-rec.json" > "$work/cmp-rec.txt" || true
dotnet "$bench" busy --feed "$work/feed5MB.ics" --out "$work/cal-mixed.json" 2>&1 | tee "$work/cal-mixed.txt" >&2
node benchmarks/icaljs/bench.mjs busy "$work/feed5MB.ics" --out "$work/js-mixed.json" --runs 3 > "$work/js-mixed.txt"
node benchmarks/icaljs/compare.mjs "$work/cal-mixed.json" "$work/js-mixed.json" > "$work/cmp-mixed.txt" || true
cat "$work"/cmp-*.txt >&2

log "parse+validate: ical.js"
node benchmarks/icaljs/bench.mjs parse "$work/feed25MB.ics" --runs 5 > "$work/js-parse.txt"

log "BenchmarkDotNet (Cal)"
(cd "$work" && CAL_BENCH_FEED="$work/feed25MB.ics" CAL_BENCH_RECURRING="$work/recurring.ics" CAL_BENCH_MIXED="$work/feed5MB.ics" \
  dotnet "$root/$bench" bdn --filter '*' --exporters json > "$work/bdn.txt" 2>&1) || { tail -40 "$work/bdn.txt" >&2; exit 1; }
grep -E '^\|' "$work/bdn.txt" >&2 || true

log "load (wrk)"
bash benchmarks/load/load.sh --duration "$duration" --out "$work/load.env" 2>"$work/load.txt" >/dev/null || { cat "$work/load.txt" >&2; exit 1; }
cat "$work/load.env" >&2

machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}'), Node $(node --version), ical.js 2.2.1, $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}'); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
table=$(python3 benchmarks/report.py --work "$work" --bytes25 "$bytes25" --machine "$machine" --command "benchmarks/run-all.sh --duration $duration" --date "$(date -u '+%Y-%m-%d %H:%M UTC')")
echo "$table"
if [ "$readme" = 1 ]; then
  python3 - "$table" <<'PY'
import sys, re
path = "benchmarks/README.md"
text = open(path, encoding="utf-8").read()
begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
block = begin + "\n" + sys.argv[1].strip() + "\n" + end
text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S) if begin in text else text.rstrip() + "\n\n" + block + "\n"
open(path, "w", encoding="utf-8").write(text)
PY
  log "wrote benchmarks/README.md"
fi
