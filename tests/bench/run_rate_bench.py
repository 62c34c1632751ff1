#!/usr/bin/python3
"""metaplast vs PyTorch: one 250-sample online episode of the 5-layer
Shervani-Tabar network with all ten pool terms (no meta-gradient), on one
core, in the same invocation. Usage:

  /usr/bin/python3 tests/bench/run_rate_bench.py [BUILD_DIR] [--repeats N]

Builds nothing: run `cmake --build BUILD_DIR --target bench_rate_episode`
first. Prints a Markdown table (docs/benchmarks.md).
"""
import argparse
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_json(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeats", type=int, default=9)
    args = ap.parse_args()
    env = dict(os.environ)
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[k] = "1"
    env.setdefault("METAPLAST_PLUGIN_PATH", os.path.join(args.build, "plugins"))
    model = os.path.join(ROOT, "tests", "bench", "pool_episode.json")
    mp = run_json([os.path.join(args.build, "bench_rate_episode"), model,
                   str(args.repeats)], env)
    pt = run_json(["/usr/bin/python3", os.path.join(ROOT, "tests", "bench",
                                                    "torch_pool_episode.py"),
                   "--repeats", str(args.repeats), "--threads", "1"], env)
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    print(f"Machine: {cpu}; one thread for both; episode = {mp['samples']} samples\n")
    print("| | seconds per episode (median) | min | vs PyTorch |")
    print("|---|---|---|---|")
    print(f"| PyTorch {pt['version']} (float64, no_grad) | {pt['seconds_per_episode']:.4f} "
          f"| {pt['seconds_min']:.4f} | 1 |")
    print(f"| metaplast | {mp['seconds_per_episode']:.4f} | {mp['seconds_min']:.4f} "
          f"| {pt['seconds_per_episode'] / mp['seconds_per_episode']:.1f}x faster |")
    print(f"\nArithmetic bound: {mp['macs_per_episode']:.3g} multiply-adds per episode; "
          f"measured single-core rates on the {mp['weights']}-double working set: "
          f"dot {mp['dot_rate_per_s']:.3g}/s (read-only passes), y += a x "
          f"{mp['axpy_rate_per_s']:.3g}/s (the update pass) -> bound "
          f"{mp['bound_seconds']:.4f} s; metaplast is {mp['ratio_to_bound']:.2f}x the bound. "
          f"Register-resident compute peak {mp['peak_rate_per_s']:.3g}/s -> "
          f"{mp['peak_bound_seconds']:.4f} s ({mp['ratio_to_peak_bound']:.2f}x).")
    json.dump({"metaplast": mp, "pytorch": pt}, sys.stderr)


if __name__ == "__main__":
    main()
