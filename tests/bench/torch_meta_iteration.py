#!/usr/bin/python3
"""One meta-iteration of Shervani-Tabar & Rosenbaum (2023) Algorithm 1 in
PyTorch (CPU, float64, one thread), autograd through the unrolled inner
loop: the reference for metaplast's exact meta-gradient
(mp_r_episode_grad) in tests/bench/run_meta_bench.py.

  /usr/bin/python3 tests/bench/torch_meta_iteration.py DUMP_DIR [--repeats N]

DUMP_DIR is written by bench_meta_iteration: the initial W_l and B_l (as
metaplast's mp_r_net_new drew them), the 250 online and 50 query samples
and labels, the thetas, and metaplast's loss and gradient.

The inner loop, exactly as metaplast's rate kernel computes it
(docs/rate-networks.md, docs/meta-gradients.md):
  forward  z_l = W_l y_{l-1}; softplus(beta) hidden (identity above
           beta z = 20, as torch's Softplus), softmax output;
  errors   e_L = softmax - onehot; e_{l-1} = (B_l^T e_l) * (1 - exp(-beta
           y_{l-1})) (fixed random B, a constant), down to the synthetic e_0
           with y_0 = the input;
  update   every layer from the same pre-update quantities, all ten pool
           terms: W += sum_r theta_r F^r (F^6..F^9 with s6 = y_l^T W e_{l-1},
           s8 = e_l^T W y_{l-1}, F9 = y_l (y_{l-1} - W^T y_l)^T);
  loss     mean over the query set of -log softmax(W... y)[label].
The ten terms are grouped by right vector as metaplast's pool does (three
outer products and the decay), so autograd keeps O(T x weights) memory
rather than one saved matrix per term and step.
theta (one vector of ten per layer) are leaf tensors with requires_grad;
everything else is differentiated through (no torch.no_grad, no .detach
except for B, which is constant in both).

Prints JSON: seconds per meta-iteration (median), the loss, the gradient,
and the maximum relative differences from metaplast's.
"""
import argparse
import json
import os
import resource
import time

import numpy as np
import torch


def load(d):
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    sizes = meta["sizes"]

    def arr(name, shape, dtype=np.float64):
        return torch.from_numpy(np.fromfile(os.path.join(d, name), dtype="<f8" if dtype is np.float64
                                            else "<i4").reshape(shape).astype(dtype))

    L = len(sizes) - 1
    W = [arr(f"W{j}.bin", (sizes[j + 1], sizes[j])) for j in range(L)]
    B = [arr(f"B{j}.bin", (sizes[j + 1], sizes[j])) for j in range(L)]
    nt, nq = meta["n_train"], meta["n_query"]
    xt = arr("x_train.bin", (nt, sizes[0]))
    xq = arr("x_query.bin", (nq, sizes[0]))
    yt = arr("y_train.bin", (nt,), np.int64)
    yq = arr("y_query.bin", (nq,), np.int64)
    return meta, W, B, xt, yt, xq, yq


def forward(W, x, beta):
    ys = [x]
    for l, Wl in enumerate(W):
        z = Wl @ ys[-1]
        if l < len(W) - 1:
            ys.append(torch.nn.functional.softplus(z, beta=beta, threshold=20.0))
        else:
            ys.append(torch.softmax(z, dim=0))
    return ys


def meta_loss(W0, B, xt, yt, xq, yq, theta, beta):
    """theta: list of per-layer tensors (10,), requires_grad."""
    W = [w.clone() for w in W0]
    L = len(W)
    nout = W[-1].shape[0]
    eye = torch.eye(nout, dtype=torch.float64)
    for s in range(xt.shape[0]):
        ys = forward(W, xt[s], beta)
        e = [None] * (L + 1)
        e[L] = ys[L] - eye[yt[s]]
        for l in range(L, 0, -1):
            # f' written through y (metaplast's mp_r_act_deriv: -expm1(-beta y));
            # for e_0 the first hidden layer's f' at y_0 = the input
            e[l - 1] = (B[l - 1].t() @ e[l]) * (-torch.expm1(-beta * ys[l - 1]))
        newW = []
        for l in range(L):
            th = theta[l]
            Wl, x, y, f, ee = W[l], ys[l], ys[l + 1], e[l], e[l + 1]
            u = Wl.t() @ y                  # W^T y_post
            s6 = torch.dot(u, f)            # y^T W e_pre
            s8 = torch.dot(ee, Wl @ x)      # e_post^T W y_pre
            sy = y.sum()
            # the ten terms grouped by right vector (rank-one forms, so that
            # autograd saves vectors, not one matrix per term):
            # F0, F5, F7: -(th0 + th5 sum y + th7 s6) e_post x^T
            # F1, F2, F4, F6, F8: -((th1 + th6 s6 + th8 s8) y + th2 e_post + th4 1) e_pre^T
            # F9: th9 y (x - u)^T;  F3: -th3 W
            a = -(th[0] + th[5] * sy + th[7] * s6) * ee
            bvec = -((th[1] + th[6] * s6 + th[8] * s8) * y + th[2] * ee + th[4])
            c = th[9] * y
            dW = (torch.outer(a, x) + torch.outer(bvec, f) + torch.outer(c, x - u)
                  - th[3] * Wl)
            newW.append(Wl + dW)
        W = newW
    # query: mean cross-entropy of the softmax output
    total = 0.0
    for q in range(xq.shape[0]):
        z = xq[q]
        for l in range(L):
            z = W[l] @ z
            if l < L - 1:
                z = torch.nn.functional.softplus(z, beta=beta, threshold=20.0)
        total = total - torch.log_softmax(z, dim=0)[yq[q]]
    return total / xq.shape[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    meta, W, B, xt, yt, xq, yq = load(args.dump)
    beta = float(meta["beta"])
    times, loss, grad = [], None, None
    for _ in range(args.repeats):
        theta = [torch.tensor(t, dtype=torch.float64, requires_grad=True)
                 for t in meta["theta"]]
        t0 = time.perf_counter()
        lv = meta_loss(W, B, xt, yt, xq, yq, theta, beta)
        lv.backward()
        times.append(time.perf_counter() - t0)
        loss = lv.item()
        grad = [t.grad.numpy().copy() for t in theta]
    times.sort()
    g_mp = np.array(meta["grad"], dtype=np.float64)
    g_pt = np.array(grad)
    # relative difference per entry, and relative to the largest entry
    rel_entry = np.abs(g_pt - g_mp) / np.maximum(np.abs(g_mp), 1e-300)
    rel_max = np.abs(g_pt - g_mp).max() / np.abs(g_mp).max()
    print(json.dumps({
        "simulator": "pytorch", "version": torch.__version__, "threads": args.threads,
        "dtype": "float64", "repeats": args.repeats,
        "seconds_per_iteration": times[len(times) // 2], "seconds_min": times[0],
        "loss": loss, "loss_metaplast": meta["loss"],
        "loss_rel_diff": abs(loss - meta["loss"]) / abs(meta["loss"]),
        "grad_max_rel_diff_entry": float(rel_entry.max()),
        "grad_max_rel_diff_norm": float(rel_max),
        "grad": g_pt.tolist(),
        "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == "__main__":
    main()
