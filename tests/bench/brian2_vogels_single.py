#!/usr/bin/python3
"""Vogels et al. 2011 single-neuron inhibitory-plasticity model in Brian2.

Brian2 reference for models/vogels2011_single_neuron.json (metaplast), after the
authors' Matlab code (ModelDB 143751, inhib_plasticity.m; see
../shared/reference/paper-code-facts.md sec. 4.1):

* 8 group signals, updated every step (run_regularly, when='start'):
      F <- r - (r - F) exp(-dt/50 ms),  r ~ U(-0.5, 0.5)
  (written as F*d + r*(1-d), identical).
* 8 x (100*scale E + 25*scale I) input trains, a NeuronGroup with
      threshold 'rand() < p',  p = 5 Hz*dt + max(0, 500 Hz*dt*F)/0.03
  and refractory = 5 ms (dead time after each spike). E and I trains of one
  group read the same signal (linked variable). Trains 0..8*NE-1 are E (group
  = i // NE), then the I trains (group = j // NI). The Matlab quirk of
  assigning I trains in reverse order (26/24 per group) is not reproduced,
  matching the metaplast model (25 per group).
* One conductance LIF: C = 200 pF, g_L = 10 nS, E_L = V_reset = -60 mV,
  V_th = -50 mV, t_ref = 5 ms (V clamped), E_ex = 0, E_in = -80 mV,
  tau_ex = 5 ms, tau_in = 10 ms, exponential Euler (exact for V with the
  conductances frozen over the step, exact conductance decay) = the Matlab
  update V <- V_inf + (V - V_inf) exp(-dt/tau_eff).
* E weights w = 0.3 + 1.1/(1 + (G - 5)^4) + U(0, 0.1), G = 1..8; jump
  g_ex += g_scale_E * w, g_scale_E = 0.14 nS / scale.
  I weights w = 0.1 initially; jump g_in += g_scale_I * w, g_scale_I = 0.35 nS / scale.
* iSTDP on I synapses, unit traces (tau 20 ms, event-driven = exact decay):
  pre spike:  g_in += g*w (old weight), x_pre += 1, w += eta*(alpha + kappa*x_post)
  post spike: x_post += 1, w += eta*gamma*x_pre;  w >= 0 (no upper bound)
  eta = 1e-3, alpha = -0.25, kappa = gamma = 1.
* dt = 0.1 ms, default duration 90 s.

--scale N multiplies the number of afferents per group by N (N*100 E and
N*25 I per group) and divides both g_scale values by N, so the mean total
conductance drive (and its dependence on the weights) is unchanged; weights,
the plasticity rule and all other parameters are the same.

Prints one JSON object to stdout (see b2common.py for the timing definitions).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    b2common.add_common_args(ap, duration_default=90.0)
    ap.add_argument("--scale", type=int, default=1,
                    help="multiply afferents per group by N and divide g_scale by N")
    args = ap.parse_args()

    import numpy as np
    import brian2 as b2
    from brian2 import ms, mV, nS, pF, Hz, NeuronGroup, Synapses, SpikeMonitor, Network

    workdir = b2common.setup_target(args)

    G = 8
    NE = 100 * args.scale
    NI = 25 * args.scale
    n_exc = G * NE
    n_inh = G * NI
    dt = b2.defaultclock.dt

    ns = dict(
        # signals / trains
        decay_sig=float(np.exp(-float(dt / (50 * ms)))),
        base_p=float(5 * Hz * dt), peak_p=float(500 * Hz * dt), norm=0.03,
        # neuron
        C=200 * pF, gL=10 * nS, EL=-60 * mV, Vth=-50 * mV, Vr=-60 * mV,
        Ee=0 * mV, Ei=-80 * mV, tau_e=5 * ms, tau_i=10 * ms,
        # synapses
        gscale_e=0.14 * nS / args.scale, gscale_i=0.35 * nS / args.scale,
        eta=1e-3, alpha=-0.25, kappa=1.0, gamma=1.0, tau_stdp=20 * ms,
    )

    signals = NeuronGroup(G, "F : 1", name="signals", namespace=ns)
    signals.run_regularly("F = F*decay_sig + (rand() - 0.5)*(1 - decay_sig)",
                          when="start", name="signals_update")

    train_eqs = """grp : integer (constant)
                   F : 1 (linked)
                   p = base_p + clip(peak_p*F, 0, inf)/norm : 1"""
    # Two train groups (E, I): a linked variable with an index cannot be used
    # in a subgroup, so E and I trains are separate groups reading one signal.
    trains_e = NeuronGroup(n_exc, train_eqs, threshold="rand() < p", refractory=5 * ms,
                           name="trains_e", namespace=ns)
    trains_i = NeuronGroup(n_inh, train_eqs, threshold="rand() < p", refractory=5 * ms,
                           name="trains_i", namespace=ns)
    grp_e = (np.arange(n_exc) // NE).astype(np.int64)
    grp_i = (np.arange(n_inh) // NI).astype(np.int64)
    trains_e.grp = grp_e
    trains_i.grp = grp_i
    trains_e.F = b2.linked_var(signals, "F", index=grp_e)
    trains_i.F = b2.linked_var(signals, "F", index=grp_i)

    post = NeuronGroup(
        1,
        """dv/dt = (gL*(EL - v) + ge*(Ee - v) + gi*(Ei - v))/C : volt (unless refractory)
           dge/dt = -ge/tau_e : siemens
           dgi/dt = -gi/tau_i : siemens""",
        threshold="v > Vth", reset="v = Vr", refractory=5 * ms,
        method="exponential_euler", name="post", namespace=ns)
    post.v = -60 * mV

    delay = args.delay_ms * ms
    syn_e = Synapses(trains_e, post, "w : 1 (constant)",
                     on_pre="ge_post += gscale_e*w", delay=delay, name="syn_e", namespace=ns)
    syn_e.connect()
    # G is 1-based: G = grp + 1, so G - 5 = grp - 4.
    syn_e.w = "0.3 + 1.1/(1 + (grp_pre - 4.0)**4) + 0.1*rand()"

    syn_i = Synapses(
        trains_i, post,
        """w : 1
           dxpre/dt = -xpre/tau_stdp : 1 (event-driven)
           dxpost/dt = -xpost/tau_stdp : 1 (event-driven)""",
        on_pre="""gi_post += gscale_i*w
                  xpre += 1
                  w = clip(w + eta*(alpha + kappa*xpost), 0, inf)""",
        on_post="""xpost += 1
                   w = clip(w + eta*gamma*xpre, 0, inf)""",
        delay=delay, name="syn_i", namespace=ns)
    syn_i.connect()
    syn_i.w = 0.1

    mon_post = SpikeMonitor(post, name="mon_post")
    mon_trains = b2.PopulationRateMonitor(trains_e, name="mon_trains")  # cheap input check
    net = Network(signals, trains_e, trains_i, post, syn_e, syn_i, mon_post, mon_trains)

    info = b2common.run_network(net, args.duration, args, workdir)

    T = args.duration
    t = np.asarray(mon_post.t / b2.second)
    last = min(30.0, T)
    first = min(10.0, T)
    rates_10s = [float(np.sum((t >= a) & (t < a + 10.0)) / min(10.0, T - a))
                 for a in np.arange(0.0, T, 10.0)]
    w_i = np.asarray(syn_i.w[:])
    result = {
        "simulator": "brian2",
        "model": "vogels2011_single_neuron" + ("" if args.scale == 1 else f"_x{args.scale}"),
        "target": args.target,
        "scale": args.scale,
        "n_exc_afferents": n_exc, "n_inh_afferents": n_inh,
        "duration_s": T, "seed": args.seed, "delay_ms": args.delay_ms,
        "sim_seconds": info["sim_seconds"],
        "loop_seconds": info["loop_seconds"],
        "build_seconds": info.get("build_seconds"),
        "total_seconds": None,
        "rate_first10_hz": float(np.sum(t < first) / first),
        "rate_last30_hz": float(np.sum(t >= T - last) / last),
        "rate_by_10s_hz": rates_10s,
        "n_post_spikes": int(len(t)),
        "input_exc_train_rate_hz": float(np.mean(np.asarray(mon_trains.rate / Hz))),
        "w_inh_mean_final": float(w_i.mean()),
        "peak_rss_mb": info["peak_rss_mb"],
        "peak_rss_source": info["peak_rss_source"],
        "python_peak_rss_mb": info["python_peak_rss_mb"],
        "timing_method": info["timing_method"],
    }
    b2common.finish(result, args, workdir)


if __name__ == "__main__":
    main()
