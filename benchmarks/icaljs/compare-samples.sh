#!/usr/bin/env bash
# Busy times of every iCalendar file in the test suite (tests/Cal.Testing/Samples), Cal against ical.js 2.2.1 (an
# independent reading, cal.com's parser): one year from the file's first DTSTART, in UTC. Prints one line per file
# that differs (with counts and examples) and a closing line; exits 1 when a file differs, or cannot be read by one
# side, without being listed with its reason in benchmarks/icaljs/known-differences.txt.
# Usage: benchmarks/icaljs/compare-samples.sh [--verbose]     (CAL_KEEP=DIR keeps both JSON files per differing sample)
set -euo pipefail
cd "$(dirname "$0")/../.."
(cd benchmarks/icaljs && [ -d node_modules/ical.js ] || npm ci --no-audit --no-fund >/dev/null)
dotnet build benchmarks/Cal.Benchmarks -c Release -v q -nologo >/dev/null
cal=benchmarks/Cal.Benchmarks/bin/Release/net10.0/Cal.Benchmarks.dll
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
same=0; differ=0; unreadable=0; unexpected=0
known=benchmarks/icaljs/known-differences.txt
listed() { grep -q "^$1 " "$known"; }
expect() { # expect NAME MESSAGE: a listed difference is reported; any other fails the run
  if listed "$1"; then echo "known ($(grep "^$1 " "$known" | cut -d' ' -f2-)): $2"; else echo "UNEXPECTED: $2"; unexpected=$((unexpected + 1)); fi
}
while IFS= read -r file; do
  year=$(grep -o 'DTSTART[^:]*:[0-9]\{4\}' "$file" | head -n 1 | grep -o '[0-9]\{4\}$' || true)
  [ -n "$year" ] || { echo "skip (no DTSTART): ${file#tests/Cal.Testing/Samples/}"; continue; }
  from="${year}-01-01T00:00:00Z"; to="$((10#$year + 1))-01-01T00:00:00Z"
  name=${file#tests/Cal.Testing/Samples/}
  if ! dotnet "$cal" busy --feed "$file" --out "$work/cal.json" --from "$from" --to "$to" --tz UTC 2>"$work/cal.err"; then
    expect "$name" "cal unreadable: $name ($(tail -n 1 "$work/cal.err" | cut -c1-120))"; unreadable=$((unreadable + 1)); continue
  fi
  if ! node benchmarks/icaljs/bench.mjs busy "$file" --out "$work/js.json" --from "$from" --to "$to" --tz UTC --runs 0 >/dev/null 2>"$work/js.err"; then
    expect "$name" "ical.js unreadable: $name ($(grep -m1 -o 'Error.*' "$work/js.err" | cut -c1-120))"; unreadable=$((unreadable + 1)); continue
  fi
  result=$(node benchmarks/icaljs/compare.mjs "$work/cal.json" "$work/js.json" || true)
  if [[ "$result" == *'"identical":true'* ]]; then
    same=$((same + 1)); [ "${1:-}" = --verbose ] && echo "identical: $name"
    listed "$name" && echo "now identical (remove it from $known): $name"
  else
    differ=$((differ + 1)); expect "$name" "$(echo "differ: $name $result" | cut -c1-300)"
    if [ -n "${CAL_KEEP:-}" ]; then mkdir -p "$CAL_KEEP/${name%/*}"; cp "$work/cal.json" "$CAL_KEEP/$name.cal.json"; cp "$work/js.json" "$CAL_KEEP/$name.js.json"; cp "$file" "$CAL_KEEP/$name"; fi
  fi
done < <(find tests/Cal.Testing/Samples -name '*.ics' | sort)
echo "samples: $same identical, $differ differ, $unreadable unreadable, $unexpected unexpected"
[ "$unexpected" -eq 0 ]
