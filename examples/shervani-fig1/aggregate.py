#!/usr/bin/python3
"""Aggregate the per-seed accuracy curves of run.sh into
results/fig1_<dataset>.csv: samples_seen, then per method mean, ci_low,
ci_high (98% bootstrap CI of the mean over seeds, 500 resamples, fixed numpy
seed), and print a markdown table of the final accuracies."""
import csv, glob, os, re
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.join(HERE, "results")
DATASETS = ("mnist", "fashion")
METHODS = ("bp", "fa", "dfa", "bio")
N_BOOT, CI = 500, 98.0
BOOT_SEED = 12345


def load(ds, m):
    """samples (T,), accuracy (n_seeds, T), loss (n_seeds, T), seeds."""
    dirs = glob.glob(os.path.join(RES, f"{ds}_{m}_seed*"))
    dirs.sort(key=lambda d: int(re.search(r"seed(\d+)$", d).group(1)))
    curves, losses, samples, seeds = [], [], None, []
    for d in dirs:
        a = np.genfromtxt(os.path.join(d, "accuracy.csv"), delimiter=",", names=True)
        if samples is None:
            samples = a["samples_seen"].astype(int)
        elif not np.array_equal(samples, a["samples_seen"].astype(int)):
            raise SystemExit(f"{d}: sample grid differs (unfinished or unstable run?)")
        curves.append(a["accuracy"]); losses.append(a["loss"])
        seeds.append(int(re.search(r"seed(\d+)$", d).group(1)))
    return samples, np.array(curves), np.array(losses), seeds


def bootstrap(x, rng):
    """x: (n_seeds, T) -> mean, lo, hi of the mean over seeds."""
    n = x.shape[0]
    idx = rng.integers(0, n, size=(N_BOOT, n))
    means = x[idx].mean(axis=1)              # (N_BOOT, T)
    a = (100.0 - CI) / 2
    return x.mean(axis=0), np.percentile(means, a, axis=0), np.percentile(means, 100 - a, axis=0)


def main():
    table = []
    for ds in DATASETS:
        rng = np.random.default_rng(BOOT_SEED)
        cols, header, samples = [], ["samples_seen"], None
        for m in METHODS:
            s, acc, _, seeds = load(ds, m)
            if samples is None:
                samples = s
            elif not np.array_equal(samples, s):
                raise SystemExit(f"{ds} {m}: sample grid differs from the other methods")
            mean, lo, hi = bootstrap(acc, rng)
            cols += [mean, lo, hi]
            header += [f"{m}_mean", f"{m}_ci_low", f"{m}_ci_high"]
            at = lambda k: int(np.searchsorted(samples, k))
            table.append((ds, m, len(seeds), mean[at(1000)], mean[at(2000)],
                          mean[-1], lo[-1], hi[-1]))
        out = os.path.join(RES, f"fig1_{ds}.csv")
        with open(out, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for i, k in enumerate(samples):
                w.writerow([int(k)] + [f"{c[i]:.4f}" for c in cols])
        print("wrote", os.path.relpath(out))
    print()
    print(f"| dataset | method | seeds | acc @1000 | acc @2000 | final acc @{samples[-1]} (mean) | 98% CI |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for ds, m, n, a1, a2, mu, lo, hi in table:
        print(f"| {ds} | {m.upper()} | {n} | {a1:.3f} | {a2:.3f} | {mu:.3f} | [{lo:.3f}, {hi:.3f}] |")


if __name__ == "__main__":
    main()
