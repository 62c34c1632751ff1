#!/usr/bin/python3
"""metaplast vs PyTorch: seconds per meta-iteration of Shervani-Tabar &
Rosenbaum (2023) Algorithm 1 (5 layers 784-170-130-100-70-10, 250 online
Fashion-MNIST samples, 50 query samples, all ten pool terms, exact gradient
w.r.t. the thetas of every layer), one thread each, in one invocation, on
the same initial weights and data. Usage:

  /usr/bin/python3 tests/bench/run_meta_bench.py [BUILD_DIR] [--repeats N]
                                                  [--torch-repeats N]

Builds nothing: run `cmake --build BUILD_DIR --target bench_meta_iteration`
first. bench_meta_iteration builds the task, times mp_r_episode_grad and
dumps the inputs and its loss and gradient; torch_meta_iteration.py
recomputes the same meta-iteration from the dump with autograd through the
unrolled loop and compares. Prints a Markdown table (docs/benchmarks.md);
the raw JSON of both goes to stderr.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_json(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeats", type=int, default=9, help="metaplast repeats")
    ap.add_argument("--torch-repeats", type=int, default=3)
    args = ap.parse_args()
    env = dict(os.environ)
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[k] = "1"
    env.setdefault("METAPLAST_PLUGIN_PATH", os.path.join(args.build, "plugins"))
    model = os.path.join(ROOT, "tests", "bench", "meta_episode.json")
    with tempfile.TemporaryDirectory(prefix="meta_bench_") as dump:
        mp = run_json([os.path.join(args.build, "bench_meta_iteration"), model, dump,
                       str(args.repeats)], env)
        pt = run_json(["/usr/bin/python3", os.path.join(ROOT, "tests", "bench",
                                                        "torch_meta_iteration.py"),
                       dump, "--repeats", str(args.torch_repeats), "--threads", "1"], env)
    ok = pt["loss_rel_diff"] <= 1e-6 and pt["grad_max_rel_diff_entry"] <= 1e-6
    ratio = pt["seconds_per_iteration"] / mp["seconds_per_iteration"]
    print(f"Machine: {cpu_name()}; one thread for both; T = {mp['n_train']} online "
          f"samples, {mp['n_query']} query samples, {mp['weights']} weights, "
          f"gradient w.r.t. 5 x 10 thetas\n")
    print("| | seconds per meta-iteration (median) | min | vs PyTorch | peak RSS MB |")
    print("|---|---|---|---|---|")
    print(f"| PyTorch {pt['version']} (float64, autograd through the unrolled loop; "
          f"median of {pt['repeats']}) | {pt['seconds_per_iteration']:.3f} "
          f"| {pt['seconds_min']:.3f} | 1 | {pt['max_rss_kb'] / 1024:.0f} |")
    print(f"| metaplast `mp_r_episode_grad` (checkpointed reverse mode; median of "
          f"{mp['repeats']}) | {mp['seconds_per_iteration']:.3f} | {mp['seconds_min']:.3f} "
          f"| {ratio:.1f}x faster | {mp['max_rss_kb'] / 1024:.0f} |")
    print(f"| metaplast, forward episode + query loss only | {mp['forward_seconds']:.3f} "
          f"| {mp['forward_seconds_min']:.3f} | | |")
    print(f"\nGradient episode / forward episode (metaplast): {mp['grad_over_forward']:.2f}x; "
          f"engine allocation {mp['engine_bytes'] / 1e6:.1f} MB (checkpoint every "
          f"{mp['checkpoint_every']} steps).")
    print(f"\nAgreement (same initial W, B, data, thetas): loss metaplast "
          f"{mp['loss']:.17g}, PyTorch {pt['loss']:.17g} (relative difference "
          f"{pt['loss_rel_diff']:.2e}); gradient: max over the 50 entries of "
          f"|g_pt - g_mp| / |g_mp| = {pt['grad_max_rel_diff_entry']:.2e}, max |g_pt - g_mp| / "
          f"max |g_mp| = {pt['grad_max_rel_diff_norm']:.2e}. Bound 1e-6: "
          f"{'met' if ok else 'NOT MET'}.")
    json.dump({"metaplast": mp, "pytorch": pt}, sys.stderr)
    sys.stderr.write("\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
