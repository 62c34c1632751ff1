#!/usr/bin/python3
"""Do the reproduction logs in examples/ still come out of this build?

For every committed meta log of examples/*/ (log.jsonl, log-NAME.jsonl) and
the experiment it was made from (experiment.json, NAME.json,
NAME-startK.json for log-NAMEK.jsonl), runs

    metaplast meta EXPERIMENT --out TMP --max-iterations K --quiet --threads 2

and compares the first K lines of the new log with the committed ones:
every number (theta, loss, accuracy or rate, alignment, gradient, sigma,
...) but "seconds" to 1e-5 relative (the committed logs are rounded to 6
significant digits), every other value exactly; fields a committed log
left out for size are not compared. Exit status 1 names each
line and field that differs. Usage:

    python3 tests/check_example_logs.py [BUILD_DIR] [--iterations K] [--only SUBSTRING]

(ctest example_logs_reproduce runs it with K = 2; the six-parameter Fig. 3
logs, whose iterations are minutes of simulated time, with K = 1.)
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLOW = ("confavreux-fig3-six",)  # examples whose iterations take seconds


def experiment_of(log):
    d, name = os.path.split(log)
    if name == "log.jsonl":
        cands = ["experiment.json"]
    else:
        stem = name[len("log-"):-len(".jsonl")]
        m = re.match(r"^(.*?)(\d+)$", stem)
        cands = [stem + ".json"]
        if m:
            cands.append("%s-start%s.json" % (m.group(1), m.group(2)))
    for c in cands:
        p = os.path.join(d, c)
        if os.path.exists(p):
            return p
    return None


def same(a, b, where, diffs):
    if isinstance(a, dict) and isinstance(b, dict):
        # a committed log may leave fields out for size (candidate_losses
        # of CMA-ES logs); every field it has must be there and equal
        missing = sorted(set(a) - set(b))
        if missing:
            diffs.append("%s: the new log lacks %s" % (where, missing))
            return
        for k in a:
            if k != "seconds":
                same(a[k], b[k], "%s.%s" % (where, k), diffs)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            diffs.append("%s: %d vs %d entries" % (where, len(a), len(b)))
            return
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, "%s[%d]" % (where, i), diffs)
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        if abs(a - b) > 1e-5 * max(abs(a), abs(b)) + 1e-12:
            diffs.append("%s: committed %r, now %r" % (where, a, b))
    elif a != b:
        diffs.append("%s: committed %r, now %r" % (where, a, b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=os.path.join(ROOT, "build"))
    ap.add_argument("--iterations", type=int, default=2)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    cli = os.path.join(args.build, "metaplast")
    env = dict(os.environ)
    env.setdefault("METAPLAST_PLUGIN_PATH", os.path.join(args.build, "plugins"))
    logs = sorted(glob.glob(os.path.join(ROOT, "examples", "*", "log*.jsonl")))
    failed = checked = 0
    for log in logs:
        rel = os.path.relpath(log, ROOT)
        if args.only not in rel:
            continue
        exp = experiment_of(log)
        if not exp:
            print("FAIL %s: no experiment file beside it" % rel)
            failed += 1
            continue
        k = 1 if any(s in rel for s in SLOW) else args.iterations
        with open(log) as f:
            want = [json.loads(l) for l in f.read().splitlines()[:k]]
        # a long log may keep every n-th line only: lines are matched by "iter"
        n_run = max(int(w.get("iter", i)) for i, w in enumerate(want)) + 1
        with tempfile.TemporaryDirectory(prefix="example_log_") as out:
            r = subprocess.run([cli, "meta", exp, "--out", out, "--max-iterations",
                                str(n_run), "--quiet", "--threads", "2"],
                               env=env, capture_output=True, text=True)
            if r.returncode != 0:
                print("FAIL %s: metaplast meta %s exited %d: %s" %
                      (rel, os.path.relpath(exp, ROOT), r.returncode, r.stderr.strip()))
                failed += 1
                continue
            with open(os.path.join(out, "log.jsonl")) as f:
                got = [json.loads(l) for l in f.read().splitlines()]
        diffs = []
        if len(got) != n_run:
            diffs.append("%d lines, expected %d" % (len(got), n_run))
        for i, a in enumerate(want):
            it = int(a.get("iter", i))
            if it < len(got):
                same(a, got[it], "line %d (iter %d)" % (i + 1, it), diffs)
        checked += 1
        if diffs:
            failed += 1
            print("FAIL %s (%s):\n  %s" % (rel, os.path.relpath(exp, ROOT),
                                           "\n  ".join(diffs[:12])))
        else:
            print("ok   %s: %d iteration%s as committed" % (rel, len(want),
                                                          "" if len(want) == 1 else "s"))
    print("%d logs checked, %d differ" % (checked, failed))
    return 1 if failed or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
