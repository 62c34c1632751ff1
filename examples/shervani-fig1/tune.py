#!/usr/bin/python3
"""Small tuning grid for the Fig. 1 models (tuning seeds 101-103, never the
reporting seeds 1-10).  Runs metaplast sequentially (one simulation at a
time), 3000 online samples, final accuracy on 1000 held-out samples.
Usage: tune.py BUILD_DIR [OUT_CSV]"""
import csv, os, subprocess, sys, tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "results", "tuning.csv")
SEEDS = [101, 102, 103]
SAMPLES = 3000
PROJ = ["W1", "W2", "W3", "W4", "W5"]

GRID = {
    "bp": [{"eta": e} for e in (0.003, 0.01, 0.03)],
    "fa": [{"eta": e} for e in (0.001, 0.003, 0.01)],
    "dfa": [{"eta": e} for e in (0.0003, 0.001, 0.003)],
    "bio": [{"theta0": 0.01, "theta2": 0.005, "theta9": 0.0005},
            {"theta0": 0.01, "theta2": 0.02, "theta9": 0.0005},
            {"theta0": 0.01, "theta2": 0.005, "theta9": 0.0001},
            {"theta0": 0.01, "theta2": 0.02, "theta9": 0.0001},
            {"theta0": 0.003, "theta2": 0.005, "theta9": 0.0005}],
}

env = dict(os.environ, METAPLAST_PLUGIN_PATH=os.path.join(BUILD, "plugins"))
rows = []
for ds in ("mnist", "fashion"):
    for method, grid in GRID.items():
        model = os.path.join(ROOT, "models", f"shervani_fig1_{ds}_{method}.json")
        for params in grid:
            for seed in SEEDS:
                sets = [f"training.samples={SAMPLES}",
                        "recorders[0].every=3000", "recorders[0].test_samples=1000",
                        "recorders[1].every=3000", "recorders[2].every=3000"]
                for p in PROJ:
                    for k, v in params.items():
                        sets.append(f"projections[{p}].plasticity.params.{k}={v}")
                with tempfile.TemporaryDirectory() as td:
                    cmd = [os.path.join(BUILD, "metaplast"), "run", model, "--out", td,
                           "--seed", str(seed), "--quiet"]
                    for s in sets:
                        cmd += ["--set", s]
                    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
                    acc = float("nan")
                    status = "ok" if r.returncode == 0 else f"rc{r.returncode}"
                    try:
                        with open(os.path.join(td, "accuracy.csv")) as f:
                            last = list(csv.DictReader(f))[-1]
                        if int(last["samples_seen"]) == SAMPLES:
                            acc = float(last["accuracy"])
                    except (OSError, IndexError):
                        pass
                    if r.returncode != 0:
                        status = "unstable" if "unstable" in (r.stderr + r.stdout).lower() else status
                row = dict(dataset=ds, method=method,
                           params=";".join(f"{k}={v}" for k, v in params.items()),
                           seed=seed, final_accuracy=acc, status=status)
                rows.append(row)
                print(row, flush=True)
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
