#!/usr/bin/env python3
"""Plots `metaplast meta` logs (log.jsonl, docs/meta.md) against the iteration.

    python3 examples/plot_meta.py LOG [LOG ...] --out FIG.png
        [--labels A,B,..] [--title T] [--smooth N] [--coefs NAME,..]
        [--plane X,Y] [--steady-state NU_PRE,NU_POST] [--highlight A,B,C]
        [--group-angle 'LABEL:PREFIX:name=v,name=v' ...]

Panels (those the logs have data for): loss; accuracy (nway tasks) or rate
(target_rate); the free coefficients (`--coefs` picks some; default all, up
to 12 per log); free parameters named tau* (time constants, ms) on a log
axis of their own; the per-layer alignment angles `alignment_deg` (output layer
left out: 0 by construction); `rule_angle_deg`; `--group-angle` computes an
angle per log from theta restricted to the names starting with PREFIX
against the given target (e.g. the lateral rule of Confavreux Fig. 2);
`--plane X,Y` draws the trajectories of two coefficients (Confavreux Fig. 3);
with `--steady-state NU_PRE,NU_POST` (Hz) the (alpha, beta) plane also gets
the two extreme L = 0 lines of Confavreux Fig. 3D from eq. 17,
nu_post = -alpha nu_pre / (beta + (gamma tau_pre + kappa tau_post) nu_pre)
at nu_post = the target rate: beta = 0 (Hebbian terms only; alpha < 0 then
needs gamma tau_pre + kappa tau_post = -alpha / nu_post) and
beta = -alpha nu_pre / nu_post (postsynaptic term only,
gamma tau_pre + kappa tau_post = 0).
`--smooth N` draws a trailing moving average of N iterations over the raw
curve (loss, accuracy, angles), as the papers' plots do.
Needs numpy and matplotlib only.
"""
import argparse
import os
import json
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def read(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def smooth(y, n):
    y = np.asarray(y, dtype=float)
    if n <= 1 or len(y) < 2:
        return y
    out = np.empty_like(y)
    for i in range(len(y)):  # NaN (blown episodes) left out of the mean
        w = y[max(0, i - n + 1):i + 1]
        w = w[np.isfinite(w)]
        out[i] = w.mean() if len(w) else np.nan
    return out


def angle(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return 0.0
    ua, ub = a / na, b / nb
    return math.degrees(2 * math.atan2(np.linalg.norm(ua - ub), np.linalg.norm(ua + ub)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("logs", nargs="+")
    ap.add_argument("--out", required=True)
    ap.add_argument("--labels")
    ap.add_argument("--title", default="")
    ap.add_argument("--smooth", type=int, default=1)
    ap.add_argument("--coefs")
    ap.add_argument("--plane")
    ap.add_argument("--steady-state", help="NU_PRE,NU_POST (Hz): eq. 17 lines in the plane")
    ap.add_argument("--highlight", help="coefficients drawn thick (black, red, magenta)")
    ap.add_argument("--group-angle", action="append", default=[])
    a = ap.parse_args()
    runs = [read(p) for p in a.logs]
    # default labels: the run's directory (out/fa/log.jsonl -> fa), or the
    # file's name when the logs lie in the current directory
    labels = a.labels.split(",") if a.labels else [
        os.path.basename(os.path.dirname(os.path.abspath(p))) if os.path.basename(p) == "log.jsonl"
        else os.path.splitext(os.path.basename(p))[0] for p in a.logs]
    panels = ["loss"]
    if any("accuracy" in r[0] for r in runs):
        panels.append("accuracy")
    if any("rate" in r[0] for r in runs):
        panels.append("rate")
    panels.append("coefs")
    if any(n.startswith("tau") for r in runs for n in r[0]["theta"]):
        panels.append("taus")  # time constants (ms) on their own log axis
    if any("alignment_deg" in d for r in runs for d in r):
        panels.append("alignment")
    if any("rule_angle_deg" in r[0] for r in runs) or a.group_angle:
        panels.append("rule_angle")
    if a.plane:
        panels.append("plane")
    ncol = min(3, len(panels))
    nrow = math.ceil(len(panels) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(5.2 * ncol, 3.8 * nrow), squeeze=False)
    axes = axes.ravel()
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, panel in zip(axes, panels):
        for k, (r, lab) in enumerate(zip(runs, labels)):
            col = colors[k % len(colors)]
            it = np.array([d["iter"] for d in r])
            if panel in ("loss", "accuracy", "rate"):
                y = np.array([np.nan if d.get(panel) is None else d[panel] for d in r], float)
                if a.smooth > 1:
                    ax.plot(it, y, color=col, alpha=0.25, lw=0.7)
                    ax.plot(it, smooth(y, a.smooth), color=col, label=lab)
                else:
                    ax.plot(it, y, color=col, label=lab)
                ax.set_ylabel(panel)
                if panel == "loss" and np.nanmax(y) / max(np.nanmin(np.abs(y)), 1e-12) > 50:
                    ax.set_yscale("log")
            elif panel in ("coefs", "taus"):
                names = [n for n in r[0]["theta"] if n.startswith("tau") == (panel == "taus")]
                if a.coefs:
                    names = [n for n in names if n in a.coefs.split(",")]
                if len(names) > 12:  # the largest 12 at the end
                    names = sorted(names, key=lambda n: -abs(r[-1]["theta"][n]))[:12]
                styles = ["-", "--", ":", "-."]
                cmap = plt.get_cmap("tab20")
                hl = a.highlight.split(",") if a.highlight else []
                for j, n in enumerate(names):
                    y = [d["theta"][n] for d in r]
                    col_j = cmap(j % 20) if len(names) > 10 else colors[j % len(colors)]
                    ax.plot(it, y, ls=styles[k % 4], color=("k" if n == (hl or [None])[0]
                            else "r" if n in hl[1:2] else "m" if n in hl[2:] else col_j),
                            lw=2.2 if n in hl else 1.0,
                            label=(f"{lab}: {n}" if len(runs) > 1 else n))
                if panel == "taus":
                    ax.set_yscale("log")
                    ax.set_ylabel("time constant (ms)")
                else:
                    ax.set_ylabel("coefficient")
                    ax.axhline(0, color="grey", lw=0.5)
            elif panel == "alignment":
                w = max((len(d.get("alignment_deg", [])) for d in r), default=0)
                if not w:
                    continue
                # an episode that blew up has no angles: a gap
                A = np.array([d.get("alignment_deg", [np.nan] * w) for d in r], float)
                styles = ["-", "--", ":", "-."]
                for layer in range(A.shape[1] - 1):
                    ax.plot(it, smooth(A[:, layer], a.smooth), ls=styles[k % 4],
                            color=colors[layer % len(colors)],
                            label=(f"{lab}: alpha_{layer}" if len(runs) > 1
                                   else f"alpha_{layer}"))
                ax.axhline(90, color="grey", lw=0.5)
                ax.set_ylabel("alignment e vs e^BP (deg)")
            elif panel == "rule_angle":
                if "rule_angle_deg" in r[0]:
                    ax.plot(it, [d["rule_angle_deg"] for d in r], color=col,
                            label=f"{lab}: all free")
                for g in a.group_angle:
                    glab, prefix, spec = g.split(":", 2)
                    tgt = dict((kv.split("=")[0], float(kv.split("=")[1]))
                               for kv in spec.split(","))
                    names = [n for n in r[0]["theta"] if n.startswith(prefix)]
                    t = [tgt.get(n, 0.0) for n in names]
                    y = [angle([d["theta"][n] for n in names], t) for d in r]
                    ax.plot(it, y, ls="--", label=f"{lab}: {glab}")
                ax.set_ylabel("angle to target rule (deg)")
                ax.set_ylim(0, 180)
            elif panel == "plane":
                x, yname = a.plane.split(",")
                X = [d["theta"][x] for d in r]
                Y = [d["theta"][yname] for d in r]
                ax.plot(X, Y, "-o", ms=2, color=col, label=lab)
                ax.plot(X[0], Y[0], "s", color=col)
                ax.plot(X[-1], Y[-1], "*", ms=10, color=col)
                ax.set_xlabel(x)
                ax.set_ylabel(yname)
                if a.steady_state and k == len(runs) - 1:
                    nu_pre, nu_post = (float(v) for v in a.steady_state.split(","))
                    lo, hi = ax.get_xlim()
                    ylo, yhi = ax.get_ylim()
                    xs = np.linspace(min(lo, 0), max(hi, 0), 2)
                    ax.axhline(0, color="k", ls=":", lw=1,
                               label="L = 0, Hebbian only (beta = 0)")
                    ax.plot(xs, -xs * nu_pre / nu_post, "k--", lw=1,
                            label=f"L = 0, postsynaptic only (beta = -alpha "
                                  f"{nu_pre:g}/{nu_post:g})")
                    ax.set_xlim(lo, hi)
                    ax.set_ylim(min(ylo, -0.1), yhi)
            if panel != "plane":
                ax.set_xlabel("iteration")
        ax.legend(fontsize=6, ncol=2 if panel in ("coefs", "taus", "alignment") else 1)
        ax.set_title(panel)
    for ax in axes[len(panels):]:
        ax.axis("off")
    if a.title:
        fig.suptitle(a.title)
    fig.tight_layout()
    fig.savefig(a.out, dpi=90)


if __name__ == "__main__":
    main()
