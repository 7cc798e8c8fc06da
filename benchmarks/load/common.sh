# Shared by the load scripts (sourced, not run): wrk and curl from Debian when missing, a scratch folder and the
# processes started in it (ended and removed on exit), the --duration option, Release builds, and loopback helpers.
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "not up: $1" >&2; return 1; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }   # a process's resident memory now, MB
hwm_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }   # and its peak, MB

# The scripts' one option: `duration_option DEFAULT "$@"` sets $duration from --duration S, or refuses anything else.
duration_option() {
  duration=$1; shift
  while [ $# -gt 0 ]; do
    case "$1" in
      --duration) duration="$2"; shift 2;;
      *) echo "usage: $0 [--duration S]" >&2; exit 2;;
    esac
  done
}
# Release builds of the projects named (quiet); what they produce, as the scripts run it:
build_release() { for project in "$@"; do dotnet build "$project" -c Release -v q -nologo >/dev/null; done; }
cal=src/Cal.WebApi/bin/Release/net10.0/Cal.WebApi.dll
gen=benchmarks/feedgen/bin/Release/net10.0/Cal.Benchmarks.FeedGen.dll
floor=benchmarks/Floor/bin/Release/net10.0/Cal.Benchmarks.Floor.dll
