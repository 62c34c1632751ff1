#!/usr/bin/python3
"""Is a change slower? The meta-iteration benchmark (bench_meta_iteration:
Shervani-Tabar & Rosenbaum Algorithm 1, 784-170-130-100-70-10, 250 online
samples, 50 queries, exact gradient w.r.t. the pool thetas) of two builds,
in alternating rounds of one invocation, one thread each. Usage:

  /usr/bin/python3 tests/bench/compare_builds.py OLD_BUILD NEW_BUILD [--rounds N] [--repeats N]

Each build must have its bench_meta_iteration and plugins/ built
(`cmake --build B --target bench_meta_iteration plugins`). Every round runs
OLD then NEW (the order flips each round, so drift hits both alike); each
run reports the median of its --repeats timed meta-iterations. Prints a
Markdown table: the median over rounds of those medians, the spread (min
and max over rounds), NEW / OLD, and whether both computed the same loss
(bit for bit: the benchmark's model is the same file for both).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(build, model, repeats):
    env = dict(os.environ)
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[k] = "1"
    env["METAPLAST_PLUGIN_PATH"] = os.path.join(build, "plugins")
    with tempfile.TemporaryDirectory(prefix="compare_builds_") as dump:
        out = subprocess.run([os.path.join(build, "bench_meta_iteration"), model, dump,
                              str(repeats)], env=env, check=True, capture_output=True,
                             text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    model = os.path.join(ROOT, "tests", "bench", "meta_episode.json")
    t = {"old": [], "new": []}
    loss = {}
    for r in range(a.rounds):
        order = ("old", "new") if r % 2 == 0 else ("new", "old")
        for which in order:
            res = run(getattr(a, which), model, a.repeats)
            t[which].append(res["seconds_per_iteration"])
            loss.setdefault(which, res["loss"])
            print("round %d %s: %.4f s" % (r + 1, which, t[which][-1]), file=sys.stderr)
    med = {k: statistics.median(v) for k, v in t.items()}
    print("| build | seconds per meta-iteration (median of %d rounds) | min | max |"
          % a.rounds)
    print("|---|---|---|---|")
    for k in ("old", "new"):
        print("| %s `%s` | %.4f | %.4f | %.4f |" % (k, getattr(a, k), med[k], min(t[k]),
                                                  max(t[k])))
    print()
    print("new / old = %.3f; the same loss in both: %s (%.17g)" %
          (med["new"] / med["old"], "yes" if loss["old"] == loss["new"] else "NO",
           loss["new"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
