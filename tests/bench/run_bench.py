#!/usr/bin/python3
"""Benchmark metaplast against Brian2 on the same machine, in one invocation.

    /usr/bin/python3 tests/bench/run_bench.py [BUILD_DIR] [options]
    tests/bench/run_bench.sh [BUILD_DIR] [options]          (same thing)

Cases (run one after the other, never two simulations at once):
  single      models/vogels2011_single_neuron.json, 90 s (Vogels 2011 single neuron + iSTDP)
  single_x10  the same with 10x afferents per group (1000 E + 250 I per group) and
              both g_scale values divided by 10 (0.014 and 0.035 nS per unit weight)
  coba        models/vogels_abbott_coba.json, 10 s (Brette et al. 2007 benchmark 1)

metaplast side: `BUILD/metaplast run MODEL --out TMP --quiet --set duration=.. --set seed=..`
(plus --set for the x10 stimulus sizes and g_scale values) under `/usr/bin/time -v`,
once untimed (warm-up) and then --repeat times (default 5), half before and half
after the Brian2 runs of the case: the median is reported, with min and max (the same
seed gives the same spikes in every run).
MODEL is a copy of the model file, written into TMP with its "recorders" replaced by
spike recorders only (so both simulators record the same thing: all spikes of the
simulated neurons). wall s = "wall_seconds" of TMP/summary.json (instantiation +
run + closing recorders), peak RSS = "Maximum resident set size" of /usr/bin/time -v,
rates computed from the spike CSVs (cross-checked against summary.json when present).

Brian2 side: tests/bench/brian2_vogels_single.py / brian2_coba.py with
--target cpp_standalone (default; --brian2-targets adds runtime/cython);
sim s = wall time of the compiled binary (synapse creation + run + writing
results, no code generation / compilation), loop s = Brian2's own Network::run
timing, peak RSS of the binary.

Prints a Markdown table; --json FILE also writes every raw number.
"""
import argparse
import csv
import glob
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
PY = "/usr/bin/python3"

CASES = {
    "single": dict(model="models/vogels2011_single_neuron.json", duration_s=90.0,
                   brian2=["brian2_vogels_single.py"], scale=1, kind="single"),
    "single_x10": dict(model="models/vogels2011_single_neuron.json", duration_s=90.0,
                       brian2=["brian2_vogels_single.py", "--scale", "10"], scale=10,
                       kind="single"),
    "coba": dict(model="models/vogels_abbott_coba.json", duration_s=10.0,
                 brian2=["brian2_coba.py"], scale=1, kind="coba"),
}


def log(msg):
    sys.stderr.write("[run_bench] " + msg + "\n")
    sys.stderr.flush()


# ---------------------------------------------------------------- metaplast

def _find_key(obj, pred):
    """First value whose key satisfies pred, depth-first."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if pred(k) and not isinstance(v, (dict, list)):
                return v
        for v in obj.values():
            r = _find_key(v, pred)
            if r is not None:
                return r
    elif isinstance(obj, list):
        for v in obj:
            r = _find_key(v, pred)
            if r is not None:
                return r
    return None


def _summary_rates(summary):
    """{population name: rate Hz} from summary.json, whatever its exact layout."""
    out = {}
    pops = None
    if isinstance(summary, dict):
        pops = summary.get("sources", summary.get("populations"))
    if isinstance(pops, dict):
        for name, d in pops.items():
            if isinstance(d, dict):
                r = _find_key(d, lambda k: "rate" in k.lower())
                if isinstance(r, (int, float)):
                    out[name] = float(r)
            elif isinstance(d, (int, float)):
                out[name] = float(d)
    elif isinstance(pops, list):
        for d in pops:
            if isinstance(d, dict) and "name" in d:
                r = _find_key(d, lambda k: "rate" in k.lower())
                if isinstance(r, (int, float)):
                    out[d["name"]] = float(r)
    return out


def _read_spike_times(path):
    """Spike times (s) from a metaplast spike CSV "t_ms,neuron" (header optional)."""
    ts = []
    with open(path) as f:
        for row in csv.reader(f):
            if not row:
                continue
            try:
                ts.append(float(row[0]) / 1000.0)
            except ValueError:
                continue  # header
    return ts


def run_metaplast(case, args, tmp_root, repeat, warm_up=True):
    exe = os.path.join(args.build, "metaplast")
    if not os.access(exe, os.X_OK):
        return {"error": f"{exe} not found or not executable"}
    spec = CASES[case]
    T = spec["duration_s"] if not args.quick else min(spec["duration_s"], args.quick)
    out = os.path.join(tmp_root, f"metaplast_{case}")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(ROOT, spec["model"])) as f:
        model = json.load(f)
    if spec["kind"] == "single":
        post = model["populations"][0]["name"]
        model["recorders"] = [{"type": "spikes", "source": post, "file": "post_spikes.csv"}]
        spike_files = {post: ("post_spikes.csv", model["populations"][0]["size"])}
    else:
        model["recorders"] = [{"type": "spikes", "source": p["name"],
                               "file": f"{p['name']}_spikes.csv"} for p in model["populations"]]
        spike_files = {p["name"]: (f"{p['name']}_spikes.csv", p["size"])
                       for p in model["populations"]}
    # The copy lives in TMP; make any relative plugin paths absolute first.
    for pr in model.get("projections", []):
        pl = pr.get("plasticity")
        if isinstance(pl, dict) and isinstance(pl.get("plugin"), str) and "/" in pl["plugin"] \
                and not os.path.isabs(pl["plugin"]):
            pl["plugin"] = os.path.normpath(os.path.join(ROOT, os.path.dirname(spec["model"]),
                                                         pl["plugin"]))
    model_path = os.path.join(tmp_root, f"{case}_model.json")
    with open(model_path, "w") as f:
        json.dump(model, f, indent=1)

    sets = [f"duration={T * 1000.0:g}", f"seed={args.seed}"]
    if spec["scale"] != 1:
        n = spec["scale"]
        stim = model["stimuli"][0]["name"]
        sets += [f"stimuli[{stim}].exc_per_group={model['stimuli'][0]['exc_per_group'] * n}",
                 f"stimuli[{stim}].inh_per_group={model['stimuli'][0]['inh_per_group'] * n}"]
        for pr in model["projections"]:
            sets.append(f"projections[{pr['name']}].g_scale={pr['g_scale'] / n:.10g}")
    cmd = ["/usr/bin/time", "-v", exe, "run", model_path, "--out", out, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    log("metaplast: " + " ".join(cmd) + f"  ({int(warm_up)} warm-up + {repeat} timed runs)")
    walls, kerns, rss = [], [], []
    summary = {}
    # The same seed gives the same spikes every time: the runs differ only in
    # time. The first (cold caches, CPU clock ramping up after idle) is not
    # timed; the median of the rest is reported, with min and max.
    for run in range(repeat + int(warm_up)):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        res = {"command": " ".join(cmd), "returncode": p.returncode,
               "process_seconds": elapsed, "duration_s": T}
        if p.returncode != 0:
            res["error"] = (p.stderr.strip().splitlines() or ["?"])[0][:300]
            res["stderr"] = p.stderr[-2000:]
            return res
        m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", p.stderr)
        summ_path = os.path.join(out, "summary.json")
        summary = {}
        if os.path.exists(summ_path):
            with open(summ_path) as f:
                summary = json.load(f)
        wall = _find_key(summary, lambda k: "wall" in k.lower())
        kern = summary.get("kernel_seconds") if isinstance(summary, dict) else None
        if warm_up and run == 0:
            continue
        walls.append(float(wall) if isinstance(wall, (int, float)) else elapsed)
        if isinstance(kern, (int, float)):
            kerns.append(float(kern))
        if m:
            rss.append(int(m.group(1)) / 1024.0)
    res["summary"] = summary
    res["wall_runs"], res["kernel_runs"], res["rss_runs"] = walls, kerns, rss
    res["wall_source"] = "summary.json wall_seconds, median of the timed runs"
    summarize_runs(res)
    res["summary_rates_hz"] = _summary_rates(summary)
    rates = {}
    for name, (fname, size) in spike_files.items():
        path = os.path.join(out, fname)
        if not os.path.exists(path):
            continue
        ts = _read_spike_times(path)
        rates[name] = len(ts) / size / T
        if spec["kind"] == "single":
            last, first = min(30.0, T), min(10.0, T)
            res["rate_first10_hz"] = sum(1 for t in ts if t < first) / first
            res["rate_last30_hz"] = sum(1 for t in ts if t >= T - last) / last
    res["rates_hz"] = rates or res["summary_rates_hz"]
    return res


def summarize_runs(res):
    """Median, min and max wall time, median kernel time and peak RSS of the
    timed runs listed in res."""
    walls, kerns, rss = res["wall_runs"], res["kernel_runs"], res["rss_runs"]
    res["wall_seconds"] = statistics.median(walls)
    res["wall_min"], res["wall_max"] = min(walls), max(walls)
    res["kernel_seconds"] = statistics.median(kerns) if kerns else None
    res["peak_rss_mb"] = max(rss) if rss else None


# ---------------------------------------------------------------- Brian2

def run_brian2(case, target, args):
    spec = CASES[case]
    T = spec["duration_s"] if not args.quick else min(spec["duration_s"], args.quick)
    cmd = [PY, os.path.join(HERE, spec["brian2"][0])] + spec["brian2"][1:] + \
          ["--duration", f"{T:g}", "--target", target, "--seed", str(args.seed)]
    log("brian2: " + " ".join(cmd))
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["?"])[-1][:300],
                "command": " ".join(cmd), "stderr": p.stderr[-3000:]}
    res = json.loads(p.stdout)
    res["command"] = " ".join(cmd)
    if spec["kind"] == "coba":
        res["rates_hz"] = {"exc": res["rate_exc_hz"], "inh": res["rate_inh_hz"]}
    return res


# ---------------------------------------------------------------- table

def fmt(x, nd=2):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{nd}f}"


def rate_str(case, r):
    if not r or "error" in r:
        return "—"
    if CASES[case]["kind"] == "single":
        return f"{fmt(r.get('rate_first10_hz'), 1)} → {fmt(r.get('rate_last30_hz'), 2)}"
    rates = r.get("rates_hz", {})
    return f"E {fmt(rates.get('exc'))} / I {fmt(rates.get('inh'))}"


def table(results, targets):
    lines = []
    lines.append("| model | metaplast wall s, median (min–max) | Brian2 target | Brian2 sim s (loop s) | "
                 "ratio Brian2/metaplast | metaplast rate Hz | Brian2 rate Hz | "
                 "metaplast peak RSS MB | Brian2 peak RSS MB |")
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for case, r in results.items():
        mp = r.get("metaplast") or {}
        mp_wall = mp.get("wall_seconds") if "error" not in mp else None
        for tgt in targets:
            b2 = r.get("brian2", {}).get(tgt) or {}
            b2_sim = b2.get("sim_seconds") if "error" not in b2 else None
            ratio = b2_sim / mp_wall if (b2_sim and mp_wall) else None
            mp_cell = (f"{fmt(mp_wall, 3)} ({fmt(mp.get('wall_min'), 3)}–{fmt(mp.get('wall_max'), 3)})"
                       if mp_wall is not None else \
                ("not run" if not mp else "error: " + mp.get("error", "?")[:60]))
            b2_cell = (f"{fmt(b2_sim)} ({fmt(b2.get('loop_seconds'))})" if b2_sim is not None
                       else ("not run" if not b2 else "error"))
            lines.append(
                f"| {case} ({r['duration_s']:g} s) | {mp_cell} | {tgt} | {b2_cell} | "
                f"{fmt(ratio)} | {rate_str(case, mp)} | {rate_str(case, b2)} | "
                f"{fmt(mp.get('peak_rss_mb'), 1)} | {fmt(b2.get('peak_rss_mb'), 1)} |")
    note = ("single-neuron rates: first 10 s → last 30 s; COBA: mean over the whole run. "
            "Brian2 sim s = compiled binary wall time (cpp_standalone) or run() wall time "
            "after warm-up (runtime/cython); loop s = Brian2's Network.run timing; "
            "metaplast wall s = summary.json wall_seconds (instantiation + run + recorders), "
            "median of --repeat timed runs (after one untimed warm-up; half of them before "
            "and half after the Brian2 runs), min–max in brackets; "
            "ratio = Brian2 sim s / metaplast median wall s.")
    return "\n".join(lines) + "\n\n" + note + "\n"


def main():
    ap = argparse.ArgumentParser(description="metaplast vs Brian2 benchmark")
    ap.add_argument("build", nargs="?", default=os.path.join(ROOT, "build"),
                    help="metaplast build directory (default ./build)")
    ap.add_argument("--cases", default="single,single_x10,coba",
                    help="comma-separated subset of: " + ",".join(CASES))
    ap.add_argument("--brian2-targets", default="cpp_standalone",
                    help="comma-separated Brian2 targets (cpp_standalone, cython, runtime)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", type=float, default=0.0,
                    help="cap every duration at this many seconds (smoke test)")
    ap.add_argument("--repeat", type=int, default=5,
                    help="timed metaplast runs per case, after one warm-up (default 5); "
                         "the median is reported")
    ap.add_argument("--skip-metaplast", action="store_true")
    ap.add_argument("--skip-brian2", action="store_true")
    ap.add_argument("--json", default=None, help="write all raw results to this file")
    ap.add_argument("--keep-tmp", action="store_true")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    for c in cases:
        if c not in CASES:
            ap.error(f"unknown case {c}")
    targets = [t.strip() for t in args.brian2_targets.split(",") if t.strip()]

    tmp_root = tempfile.mkdtemp(prefix="mp_bench_")
    results = {}
    try:
        for case in cases:
            spec = CASES[case]
            T = spec["duration_s"] if not args.quick else min(spec["duration_s"], args.quick)
            r = {"duration_s": T}
            # metaplast's timed runs are split around Brian2's, so that both
            # sides sample the machine in the same stretch of time (on a
            # shared VM the speed drifts by tens of percent over minutes)
            before = (args.repeat + 1) // 2
            if not args.skip_metaplast:
                r["metaplast"] = run_metaplast(case, args, tmp_root, before)
                if "error" in r["metaplast"]:
                    log(f"metaplast {case}: {r['metaplast']['error']}")
            r["brian2"] = {}
            if not args.skip_brian2:
                for tgt in targets:
                    r["brian2"][tgt] = run_brian2(case, tgt, args)
                    if "error" in r["brian2"][tgt]:
                        log(f"brian2 {case} {tgt}: {r['brian2'][tgt]['error']}")
            mp = r.get("metaplast")
            if mp and "error" not in mp and args.repeat > before:
                after = run_metaplast(case, args, tmp_root, args.repeat - before, warm_up=False)
                if "error" in after:
                    r["metaplast"] = after
                else:
                    for key in ("wall_runs", "kernel_runs", "rss_runs"):
                        mp[key] = mp[key] + after[key]
                    summarize_runs(mp)
            results[case] = r
    finally:
        if not args.keep_tmp:
            shutil.rmtree(tmp_root, ignore_errors=True)
        else:
            log("kept " + tmp_root)

    machine = {}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for key in ("Model name", "CPU(s)"):
            m = re.search(rf"^{re.escape(key)}:\s*(.+)$", lscpu, re.M)
            if m:
                machine[key] = m.group(1).strip()
    except OSError:
        pass
    print(f"Machine: {machine.get('Model name', '?')}, {machine.get('CPU(s)', '?')} CPUs; "
          f"seed {args.seed}\n")
    print(table(results, targets))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "results": results}, f, indent=1)
        log("raw results in " + args.json)


if __name__ == "__main__":
    main()
