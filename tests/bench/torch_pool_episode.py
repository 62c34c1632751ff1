#!/usr/bin/python3
"""One online episode of the Shervani-Tabar 5-layer network with all ten
plasticity terms of the pool active, in PyTorch (CPU, no_grad, one thread):
the reference for metaplast's rate kernel in tests/bench/run_rate_bench.py.

The computation (paper Methods 4.1-4.2, paper-code-facts.md sec. 1):
784-170-130-100-70-10, no biases, softplus(beta=10) hidden layers, softmax
output, cross-entropy; feedback alignment with fixed random B (same shape as
W); errors e_L = softmax - onehot, e_{l-1} = (B_l^T e_l) * (1 - exp(-beta
y_{l-1})), down to the synthetic e_0; every layer updated from the same
pre-update pass with dW = sum_r theta_r F^r, every F^r written in its
cheapest exact form (rank-one outer products; y y^T W as y (y^T W)).

Prints JSON: seconds per episode (median of --repeats), samples, the
multiply-adds per episode and the time of the episode.
"""
import argparse
import json
import time

import torch

SIZES = [784, 170, 130, 100, 70, 10]
BETA = 10.0


def xavier(rows, cols, gen):
    a = (6.0 / (rows + cols)) ** 0.5
    return (torch.rand(rows, cols, generator=gen, dtype=torch.float64) * 2 - 1) * a


def episode(x, labels, W, B, theta):
    """x: samples x 784, labels: samples; W, B: lists (out x in)."""
    L = len(W)
    for s in range(x.shape[0]):
        # forward
        ys = [x[s]]
        for l in range(L):
            z = W[l] @ ys[-1]
            if l < L - 1:
                ys.append(torch.nn.functional.softplus(z, beta=BETA))
            else:
                ys.append(torch.softmax(z, dim=0))
        # errors
        e = [None] * (L + 1)
        eL = ys[-1].clone()
        eL[labels[s]] -= 1.0
        e[L] = eL
        for l in range(L, 0, -1):
            e[l - 1] = (B[l - 1].t() @ e[l]) * (1.0 - torch.exp(-BETA * ys[l - 1]))
        # plasticity: all layers from the same pre-update quantities
        dWs = []
        for l in range(L):
            Wl, yp, yq, ep, eq = W[l], ys[l], ys[l + 1], e[l], e[l + 1]
            u = Wl.t() @ yq          # W^T y_post   (F6, F7, F9)
            t8 = Wl @ yp             # W y_pre      (F8)
            s6 = torch.dot(u, ep)
            s8 = torch.dot(eq, t8)
            s5 = yq.sum()
            dW = (-theta[0] - theta[5] * s5 - theta[7] * s6) * torch.outer(eq, yp)
            dW += torch.outer(-theta[1] * yq - theta[4] * torch.ones_like(yq)
                              - (theta[6] * s6 + theta[8] * s8) * yq, ep)
            dW += -theta[2] * torch.outer(eq, ep)
            dW += theta[9] * torch.outer(yq, yp - u)
            dW += -theta[3] * Wl
            dWs.append(dW)
        for l in range(L):
            W[l] += dWs[l]
    return W


def macs_per_sample():
    m = 0
    for a, b in zip(SIZES[:-1], SIZES[1:]):
        m += a * b      # forward W y
        m += a * b      # backward B^T e
        m += 2 * a * b  # W^T y_post and W y_pre for the pool scalars
        m += 5 * a * b  # the update: outer products and the W term, fused
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=250)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    dtype = getattr(torch, args.dtype)
    gen = torch.Generator().manual_seed(args.seed)
    x = torch.rand(args.samples, SIZES[0], generator=gen, dtype=torch.float64).to(dtype)
    labels = torch.randint(0, SIZES[-1], (args.samples,), generator=gen)
    theta = [1e-3, 1e-4, 2e-3, 1e-5, 1e-5, 1e-5, 1e-5, 1e-5, 1e-5, 1e-3]
    times = []
    with torch.no_grad():
        for _ in range(args.repeats):
            W = [xavier(b, a, gen).to(dtype) for a, b in zip(SIZES[:-1], SIZES[1:])]
            B = [xavier(b, a, gen).to(dtype) for a, b in zip(SIZES[:-1], SIZES[1:])]
            t0 = time.perf_counter()
            episode(x, labels, W, B, theta)
            times.append(time.perf_counter() - t0)
    times.sort()
    print(json.dumps({
        "simulator": "pytorch", "version": torch.__version__, "threads": args.threads,
        "dtype": args.dtype, "samples": args.samples,
        "seconds_per_episode": times[len(times) // 2], "seconds_min": times[0],
        "macs_per_episode": macs_per_sample() * args.samples}))


if __name__ == "__main__":
    main()
