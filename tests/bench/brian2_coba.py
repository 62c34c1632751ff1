#!/usr/bin/python3
"""Vogels-Abbott (2005) COBA network = Brette et al. (2007) benchmark 1, in Brian2.

Parameters and initial conditions follow the Brian reference implementation of
benchmark 1 (R. Brette's COBA.py for Brette et al. 2007; the Brian2 benchmark
scripts use the same initialisation, written as
  P.v = 'El + (randn()*5 - 5)*mV'; P.ge = '(randn()*1.5 + 4)*10*nS';
  P.gi = '(randn()*12 + 20)*10*nS'):

* 4000 neurons: 3200 excitatory (indices 0..3199), 800 inhibitory.
* Conductance LIF: C = 200 pF, g_L = 10 nS (tau_m = 20 ms), E_L = -60 mV,
  V_th = -50 mV, V_reset = -60 mV, refractory 5 ms (V clamped),
  E_e = 0 mV, E_i = -80 mV, tau_e = 5 ms, tau_i = 10 ms.
  (Brette's script uses g in units of g_L: we = 6/10, wi = 67/10.)
* Synapses: every pair (i, j), autapses included, is connected independently
  with p = 0.02 (Brian2 connect(p=0.02)); jumps we = 6 nS (from E) and
  wi = 67 nS (from I). No plasticity.
* Initial values: v ~ N(-65 mV, 5 mV), ge ~ N(40 nS, 15 nS), gi ~ N(200 nS, 120 nS)
  (normal draws, not clipped; a few percent of the gi values are negative,
  as in the reference).
* Integration: exponential Euler (exact conductance decay; V exact for the
  conductances frozen over a step), dt = 0.1 ms, default 10 s.

Prints one JSON object to stdout (see b2common.py for the timing definitions).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    b2common.add_common_args(ap, duration_default=10.0)
    args = ap.parse_args()

    import numpy as np
    import brian2 as b2
    from brian2 import ms, mV, nS, pF, Hz, NeuronGroup, Synapses, SpikeMonitor, Network

    workdir = b2common.setup_target(args)

    NE, NI = 3200, 800
    ns = dict(Cm=200 * pF, gl=10 * nS, El=-60 * mV, Vt=-50 * mV, Vr=-60 * mV,
              Ee=0 * mV, Ei=-80 * mV, taue=5 * ms, taui=10 * ms,
              we=6 * nS, wi=67 * nS)
    P = NeuronGroup(
        NE + NI,
        """dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v))/Cm : volt (unless refractory)
           dge/dt = -ge/taue : siemens
           dgi/dt = -gi/taui : siemens""",
        threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
        method="exponential_euler", name="neurons", namespace=ns)
    P.v = "El + (randn()*5 - 5)*mV"
    P.ge = "(randn()*1.5 + 4)*10*nS"
    P.gi = "(randn()*12 + 20)*10*nS"

    delay = args.delay_ms * ms
    Ce = Synapses(P, P, on_pre="ge_post += we", delay=delay, name="ce", namespace=ns)
    Ci = Synapses(P, P, on_pre="gi_post += wi", delay=delay, name="ci", namespace=ns)
    Ce.connect("i < 3200", p=0.02)
    Ci.connect("i >= 3200", p=0.02)

    mon = SpikeMonitor(P, name="spikes")
    net = Network(P, Ce, Ci, mon)

    info = b2common.run_network(net, args.duration, args, workdir)

    T = args.duration
    i = np.asarray(mon.i[:])
    t = np.asarray(mon.t / b2.second)
    n_e = int(np.sum(i < NE))
    n_i = int(np.sum(i >= NE))
    skip = min(1.0, T / 2)
    late = t >= skip
    result = {
        "simulator": "brian2",
        "model": "vogels_abbott_coba",
        "target": args.target,
        "duration_s": T, "seed": args.seed, "delay_ms": args.delay_ms,
        "n_synapses_exc": int(len(Ce)), "n_synapses_inh": int(len(Ci)),
        "sim_seconds": info["sim_seconds"],
        "loop_seconds": info["loop_seconds"],
        "build_seconds": info.get("build_seconds"),
        "total_seconds": None,
        "rate_exc_hz": n_e / NE / T,
        "rate_inh_hz": n_i / NI / T,
        "rate_exc_after1s_hz": float(np.sum(late & (i < NE)) / NE / (T - skip)),
        "rate_inh_after1s_hz": float(np.sum(late & (i >= NE)) / NI / (T - skip)),
        "n_spikes": int(len(i)),
        "peak_rss_mb": info["peak_rss_mb"],
        "peak_rss_source": info["peak_rss_source"],
        "python_peak_rss_mb": info["python_peak_rss_mb"],
        "timing_method": info["timing_method"],
    }
    b2common.finish(result, args, workdir)


if __name__ == "__main__":
    main()
