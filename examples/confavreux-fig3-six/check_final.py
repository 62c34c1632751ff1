#!/usr/bin/env python3
"""Scores the final rule of `metaplast meta` runs on fresh input data sets.

    python3 examples/confavreux-fig3-six/check_final.py DIR [DIR ...]
        [--datasets N] [--seed0 S] [--nu-pre HZ] [--metaplast build/metaplast]

For each run directory DIR (with result.json), writes an experiment that is
the run's own with every free parameter's init set to the final theta
(result.json "theta", in the parameters' units) and evaluates it with
`metaplast meta EXP --evaluate` once per data set, seeds S+1 .. S+N (seeds
the runs never used: new input spike trains, new initial weights, a new
score window drawn within the experiment's "within"), one data set each.
Prints per run the mean and standard deviation of the scored rate over the
data sets, their range, the mean loss, and whether the mean rate lies in
5 +- 0.5 Hz, and the steady-state rate eq. 17 of Confavreux et al. predicts,
nu_post = -alpha nu_pre / (beta + (gamma tau_pre + kappa tau_post) nu_pre)
(tau in s), for the mean inhibitory input rate nu_pre (--nu-pre, default
37.6 Hz: measured, docs/reproductions-meta.md). The experiment's plugin search path is the caller's
(METAPLAST_PLUGIN_PATH). Writes DIR/check.json with the numbers.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--datasets", type=int, default=10)
    ap.add_argument("--seed0", type=int, default=1000)
    ap.add_argument("--nu-pre", type=float, default=37.6)
    ap.add_argument("--metaplast", default="build/metaplast")
    a = ap.parse_args()
    print("run            mean rate  sd     min    max    mean loss  in 5+-0.5 Hz  eq. 17")
    for d in a.dirs:
        with open(os.path.join(d, "result.json")) as f:
            res = json.load(f)
        exp_path = res["experiment"]
        with open(exp_path) as f:
            exp = json.load(f)
        exp["model"] = os.path.abspath(os.path.join(os.path.dirname(exp_path), exp["model"]))
        for fr in exp["free"]:
            name = fr.get("name") or (fr["path"] if isinstance(fr["path"], str)
                                      else fr["path"][0]).rsplit(".", 1)[-1]
            fr["init"] = res["theta"][name]
        exp["tasks"]["per_iteration"] = 1
        rates, losses = [], []
        with tempfile.TemporaryDirectory() as tmp:
            for k in range(1, a.datasets + 1):
                exp["seed"] = a.seed0 + k
                p = os.path.join(tmp, "check.json")
                with open(p, "w") as f:
                    json.dump(exp, f)
                out = subprocess.run([a.metaplast, "meta", p, "--evaluate"], check=True,
                                     capture_output=True, text=True).stdout
                r = json.loads(out)
                rates.append(r["rate"])
                losses.append(r["task_loss"])
        m = statistics.mean(rates)
        sd = statistics.stdev(rates) if len(rates) > 1 else 0.0
        ok = abs(m - 5.0) <= 0.5
        t = res["theta"]
        hebb = t["gamma"] * t["tau_pre"] * 1e-3 + t["kappa"] * t["tau_post"] * 1e-3
        eq17 = -t["alpha"] * a.nu_pre / (t["beta"] + hebb * a.nu_pre)
        print(f"{os.path.basename(os.path.normpath(d)):14s} {m:9.2f}  {sd:5.2f}  "
              f"{min(rates):5.2f}  {max(rates):5.2f}  {statistics.mean(losses):9.3f}  "
              f"{'yes' if ok else 'NO':12s} {eq17:6.2f}")
        with open(os.path.join(d, "check.json"), "w") as f:
            json.dump({"theta": res["theta"], "seeds": [a.seed0 + 1, a.seed0 + a.datasets],
                       "rates": rates, "losses": losses, "mean_rate": m, "sd_rate": sd,
                       "within_5_pm_0.5": ok, "eq17_rate": eq17, "nu_pre": a.nu_pre}, f,
                      indent=1)


if __name__ == "__main__":
    main()
