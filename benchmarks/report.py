#!/usr/bin/env python3
"""Turns one run-all.sh work folder into the README's markdown table (called by benchmarks/run-all.sh)."""
import argparse, glob, json, os

ap = argparse.ArgumentParser()
for name in ("--work", "--bytes25", "--machine", "--command", "--date"):
    ap.add_argument(name, required=True)
a = ap.parse_args()
w = a.work

def js(name):
    return json.loads(open(os.path.join(w, name)).read().strip().splitlines()[-1])

bdn = {}
for path in glob.glob(os.path.join(w, "BenchmarkDotNet.Artifacts", "results", "*report*.json")):
    for b in json.load(open(path))["Benchmarks"]:
        bdn[b["Method"]] = (b["Statistics"]["Mean"] / 1e6, b["Statistics"]["StandardDeviation"] / 1e6, b["Memory"]["BytesAllocatedPerOperation"])
env = {}
for line in open(os.path.join(w, "load.env")):
    k, _, v = line.strip().partition("=")
    env[k] = v.strip('"')
cmp_rec, cmp_mixed = js("cmp-rec.txt"), js("cmp-mixed.txt")
parse, rec, mixed = js("js-parse.txt"), js("js-rec.txt"), js("js-mixed.txt")
size = int(a.bytes25)

def ok(flag): return "**met**" if flag else "**missed**"
def f(x, d=0): return f"{x:,.{d}f}"

rows = []
one, ten = float(env["P1_ONE_S"]), float(env["P1_TEN_S"])
rows.append(("P1 save, 10 feeds each delayed 500 ms vs 1 such feed (median of 5, 100 KB feed)",
             f"{f(ten*1000)} ms", f"1 feed: {f(one*1000)} ms", f"{ten/one:.2f}×", "≤ 1.2×", ok(ten / one <= 1.2)))
t, sd, alloc = bdn["CheckFeed"]
rows.append(("P2 parse+validate, 25 MB feed (Cal: IcsStreamingChecker from UTF-8 bytes; ical.js: `ICAL.parse` + Component + walk)",
             f"{f(t,1)} ± {f(sd,1)} ms", f"{f(parse['medianMs'])} ms", f"{t/parse['medianMs']:.2f}×", "≤ 0.5×", ok(t / parse["medianMs"] <= 0.5)))
rows.append(("P2 managed allocation per parse+validate (BenchmarkDotNet; total allocated, so ≥ the peak)",
             f"{f(alloc)} B", f"file: {f(size)} B", f"{alloc/size:.4f}×", "≤ 5×", ok(alloc / size <= 5)))
t, sd, alloc = bdn["ExpandOneYear"]
rows.append((f"P3 busy times, 1,000 recurring events, 2026 in Europe/Berlin (text → sorted UTC intervals); identical: {cmp_rec['identical']} ({f(cmp_rec['first'])} vs {f(cmp_rec['second'])} intervals)",
             f"{f(t)} ± {f(sd)} ms, {f(alloc/2**20)} MB allocated", f"{f(rec['medianMs'])} ms", f"{t/rec['medianMs']:.2f}×", "≤ 0.5×, identical",
             ok(t / rec["medianMs"] <= 0.5 and cmp_rec["identical"])))
t, sd, alloc = bdn["ExpandOneYearMixed5MB"]
rows.append((f"(info) busy times, 5 MB mixed feed, same year; identical: {cmp_mixed['identical']} ({f(cmp_mixed['first'])} vs {f(cmp_mixed['second'])} intervals)",
             f"{f(t)} ± {f(sd)} ms, {f(alloc/2**20)} MB allocated", f"{f(mixed['medianMs'])} ms", f"{t/mixed['medianMs']:.2f}×", "none", "—"))
cal_rps, floor_rps, p99 = float(env["CAL_RPS"]), float(env["FLOOR_RPS"]), float(env["CAL_P99_MS"])
rows.append((f"P4 GET /v2/calendars, 64 connections, {env['LOAD_DURATION_S']} s (wrk -t2 --latency; floor: bare Kestrel, same JSON)",
             f"{f(cal_rps)} rps, p99 {env['CAL_P99_MS']} ms (non-2xx {env['CAL_NON2XX']})", f"{f(floor_rps)} rps, p99 {env['FLOOR_P99_MS']} ms",
             f"{cal_rps/floor_rps:.3f}×", "≥ 0.5×, p99 < 20 ms", ok(cal_rps / floor_rps >= 0.5 and p99 < 20)))
rows.append((f"(info) POST /v2/calendars/ics-feed/save, one 100 KB loopback feed, 8 connections, {env['LOAD_DURATION_S']} s",
             f"{f(float(env['SAVE_RPS']))} rps, p99 {env['SAVE_P99_MS']} ms (non-2xx {env['SAVE_NON2XX']})", "", "", "none", "—"))

out = [f"Machine: {a.machine}.", "", f"Command: `{a.command}`. Date: {a.date}. Feeds: feedgen, seed 42. Cal: Release, in-process "
       "BenchmarkDotNet (2 warm-ups, 7 iterations, mean ± sd); ical.js: median of the runs after one warm-up, same process.", "",
       "| measure | Cal | ical.js / baseline | ratio | target | |", "|---|---|---|---|---|---|"]
out += ["| " + " | ".join(r) + " |" for r in rows]
print("\n".join(out))
