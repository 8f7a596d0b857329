#!/usr/bin/python3
"""PyTorch/numpy side of bench/maml.ts: the same workloads, timed in-process.

Reads one command per line on stdin, answers one JSON line per command:
  matmul N REPS          -> numpy float32 N×N matmul times (the BLAS ceiling)
  torch_matmul N REPS    -> the same through torch
  train REPS | hvp REPS | maml REPS  -> per-call seconds of the MLP step (784-256-256-10, batch 64)
  info                   -> versions, threads, BLAS
Run with Debian's /usr/bin/python3 (python3-torch + libopenblas0-pthread).
"""
import json
import sys
import time

import numpy as np
import torch

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(THREADS)
torch.manual_seed(0)
SIZES = [784, 256, 256, 10]
BATCH = 64
K = 5
INNER_LR = 0.1
OUTER_LR = 0.01


def init_params():
    ps = []
    for i, o in zip(SIZES[:-1], SIZES[1:]):
        bound = (6.0 / (i + o)) ** 0.5
        ps.append(((torch.rand(i, o) * 2 - 1) * bound).requires_grad_())
        ps.append(torch.zeros(o, requires_grad=True))
    return ps


def forward(ps, x):
    h = x
    n = len(ps) // 2
    for l in range(n):
        h = h @ ps[2 * l] + ps[2 * l + 1]
        if l < n - 1:
            h = torch.relu(h)
    return h


def loss_fn(ps, x, y):
    return torch.nn.functional.cross_entropy(forward(ps, x), y)


PARAMS = init_params()
XS, YS = torch.randn(BATCH, 784), torch.randint(0, 10, (BATCH,))
XQ, YQ = torch.randn(BATCH, 784), torch.randint(0, 10, (BATCH,))
VS = [torch.randn_like(p) for p in PARAMS]


def train_step():
    loss = loss_fn(PARAMS, XS, YS)
    gs = torch.autograd.grad(loss, PARAMS)
    with torch.no_grad():
        new = [p - INNER_LR * g for p, g in zip(PARAMS, gs)]
    return loss.item(), new


def hvp():
    loss = loss_fn(PARAMS, XS, YS)
    gs = torch.autograd.grad(loss, PARAMS, create_graph=True)
    dot = sum((g * v).sum() for g, v in zip(gs, VS))
    return torch.autograd.grad(dot, PARAMS)


def maml_step():
    theta = PARAMS
    for _ in range(K):
        inner = loss_fn(theta, XS, YS)
        gs = torch.autograd.grad(inner, theta, create_graph=True)
        theta = [p - INNER_LR * g for p, g in zip(theta, gs)]
    outer = loss_fn(theta, XQ, YQ)
    meta = torch.autograd.grad(outer, PARAMS)
    with torch.no_grad():
        new = [p - OUTER_LR * g for p, g in zip(PARAMS, meta)]
    return outer.item(), new


def timed(fn, reps):
    fn()  # warm
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main():
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        cmd = parts[0]
        if cmd == 'info':
            cfg = np.__config__
            res = {'torch': torch.__version__, 'numpy': np.__version__, 'threads': torch.get_num_threads()}
        elif cmd in ('matmul', 'torch_matmul'):
            n, reps = int(parts[1]), int(parts[2])
            a = np.random.rand(n, n).astype(np.float32)
            b = np.random.rand(n, n).astype(np.float32)
            if cmd == 'matmul':
                res = {'times': timed(lambda: a @ b, reps)}
            else:
                ta, tb = torch.from_numpy(a), torch.from_numpy(b)
                res = {'times': timed(lambda: ta @ tb, reps)}
        elif cmd == 'train':
            res = {'times': timed(train_step, int(parts[1]))}
        elif cmd == 'hvp':
            res = {'times': timed(hvp, int(parts[1]))}
        elif cmd == 'maml':
            res = {'times': timed(maml_step, int(parts[1]))}
        elif cmd == 'quit':
            return
        else:
            res = {'error': f'unknown command {cmd}'}
        sys.stdout.write(json.dumps(res) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
