#!/usr/bin/python3
"""PyTorch reference for bench/qat_throughput and bench/qat_gpu.

The same network, batch, threads, data and training step as `labqat train`
(or `labqat pretrain` for --mode fp), written the way a PyTorch user writes
QAT: fake-quant from torch ops on the detached weight, straight-through
estimator via `w + (wq - w).detach()`, switchable BN as a ModuleList per
precision, and one full forward per precision (so nested mode quantizes each
weight twice). Default eager settings: NCHW tensors (--channels-last turns
that on, to show how much of labqat's lead that alone explains).

--device cuda keeps the data set on the GPU and gathers batches there, and
reads the loss once per epoch (a sync per step would be a handicap).
--step graph (CUDA only) captures the whole training step, both precisions'
forward, backward and a hand-written foreach SGD whose learning rate lives in
a device tensor, as one CUDA graph after 3 eager warm-up steps: the strongest
PyTorch peer measured for labqat on a GPU.

Prints one JSON line: {"images_per_s": ..., "seconds": ..., "cpu_seconds": ...,
"cpu_images_per_s": ..., "images": ..., "loss": ..., ...}; the CPU-time rate
(images per second of process CPU time) is steadier than wall time on a
machine shared with other jobs. Timed like labqat's epoch: every training step (no warm-up
excluded), batch gathering included, data loading and evaluation excluded.
"""
import argparse
import gzip
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530  # Fashion-MNIST, as labqat normalises it


def load_idx(folder, split, limit):
    def read(stem):
        for name in (stem + ".gz", stem):
            path = os.path.join(folder, name)
            if os.path.exists(path):
                opener = gzip.open if name.endswith(".gz") else open
                with opener(path, "rb") as f:
                    return f.read()
        raise SystemExit(f"qat_reference: missing {os.path.join(folder, stem)}[.gz]")

    img = read(f"{split}-images-idx3-ubyte")
    lab = read(f"{split}-labels-idx1-ubyte")
    n, rows, cols = (int.from_bytes(img[i:i + 4], "big") for i in (4, 8, 12))
    x = np.frombuffer(img, np.uint8, offset=16).reshape(n, 1, rows, cols)
    y = np.frombuffer(lab, np.uint8, offset=8)
    if limit:
        x, y = x[:limit], y[:limit]
    x = (torch.from_numpy(x.astype(np.float32)) / 255.0 - MEAN) / STD
    return x, torch.from_numpy(y.astype(np.int64))


def fake_quant(w, bits, k, rule):
    """8-bit sign-magnitude code, optionally cut to 4 bits at bit k; STE."""
    with torch.no_grad():
        a = w.abs()
        s = a.max() / 127
        q = torch.clamp(torch.round(a / s), 0, 127)
        if bits == 4:
            step = 2.0 ** k
            if rule == "truncate":
                q = torch.remainder(torch.floor(q / step), 8) * step
            else:
                q = torch.clamp(torch.floor((q + (step / 2 if k else 0)) / step), max=7) * step
        wq = torch.sign(w) * q * s
    return w + (wq - w).detach()


class QConv(nn.Conv2d):
    def __init__(self, cin, cout, k, rule):
        super().__init__(cin, cout, 3, padding=1, bias=False)
        nn.init.kaiming_normal_(self.weight, mode="fan_out", nonlinearity="relu")
        self.k, self.rule = k, rule

    def forward(self, x, bits):
        w = self.weight if bits == 32 else fake_quant(self.weight, bits, self.k, self.rule)
        return F.conv2d(x, w, padding=1)


class Net(nn.Module):
    """conv32-conv32-pool-conv64-conv64-pool-fc, 3x3 conv + switchable BN + ReLU."""

    SLOT = {32: 0, 8: 1, 4: 2}

    def __init__(self, k, rule):
        super().__init__()
        widths = [1, 32, 32, 64, 64]
        self.convs = nn.ModuleList(QConv(widths[i], widths[i + 1], k, rule) for i in range(4))
        self.bns = nn.ModuleList(
            nn.ModuleList(nn.BatchNorm2d(widths[i + 1]) for _ in range(3)) for i in range(4))
        self.fc = nn.Linear(64 * 7 * 7, 10)

    def forward(self, x, bits):
        for i in range(4):
            x = F.relu(self.bns[i][self.SLOT[bits]](self.convs[i](x, bits)), inplace=True)
            if i % 2 == 1:
                x = F.max_pool2d(x, 2)
        return self.fc(torch.flatten(x, 1))


def lr_at(args, t, total):
    return args.lr * 0.5 * (1 + math.cos(math.pi * t / total))


def train_cpu(net, x_train, y_train, precisions, fmt, args, batch, steps, total):
    """The plain PyTorch loop: torch.optim.SGD, a loss read per step."""
    opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4)
    n = x_train.shape[0]
    loss_value = float("nan")
    for epoch in range(args.epochs):
        order = torch.randperm(n)
        for s in range(steps):
            t = epoch * steps + s
            for g in opt.param_groups:
                g["lr"] = lr_at(args, t, total)
            idx = order[s * batch:(s + 1) * batch]
            x = x_train[idx].contiguous(memory_format=fmt)
            y = y_train[idx]
            loss = sum(F.cross_entropy(net(x, bits), y) for bits in precisions)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_value = loss.item()
    return loss_value


def train_cuda(net, x_train, y_train, precisions, fmt, args, batch, steps, total):
    """Data on the GPU, batches gathered there, SGD (momentum 0.9, wd 5e-4) as
    foreach ops with the rate in a device tensor, the loss summed on the GPU
    and read once per epoch; --step graph replays the captured step."""
    device = x_train.device
    params = list(net.parameters())
    bufs = [torch.zeros_like(p) for p in params]
    lr_t = torch.zeros((), device=device)
    idx = torch.zeros(batch, dtype=torch.long, device=device)
    loss_sum = torch.zeros((), dtype=torch.float64, device=device)

    def step():
        x = x_train.index_select(0, idx).contiguous(memory_format=fmt)
        y = y_train.index_select(0, idx)
        loss = sum(F.cross_entropy(net(x, bits), y) for bits in precisions)
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            d = torch._foreach_add([p.grad for p in params], params, alpha=5e-4)
            torch._foreach_mul_(bufs, 0.9)
            torch._foreach_add_(bufs, d)
            torch._foreach_sub_(params, torch._foreach_mul(bufs, lr_t))
            loss_sum.add_(loss.detach())

    graph = None
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    n = x_train.shape[0]
    loss_value = float("nan")
    with torch.cuda.stream(stream):
        for epoch in range(args.epochs):
            loss_sum.zero_()
            order = torch.randperm(n, device=device)
            for s in range(steps):
                t = epoch * steps + s
                lr_t.fill_(lr_at(args, t, total))
                idx.copy_(order[s * batch:(s + 1) * batch])
                if args.step == "graph" and graph is None and t >= 3:
                    graph = torch.cuda.CUDAGraph()
                    with torch.cuda.graph(graph, stream=stream):
                        step()
                if graph is not None:
                    graph.replay()
                else:
                    step()
            loss_value = loss_sum.item() / steps
    torch.cuda.current_stream().wait_stream(stream)
    torch.cuda.synchronize()
    return loss_value


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", default="nested", choices=["fp", "q8", "q4", "nested"])
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--train-limit", type=int, default=6144)
    ap.add_argument("--test-limit", type=int, default=0, help="evaluate after training (0: skip)")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--rule", default="truncate", choices=["truncate", "round"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    ap.add_argument("--step", default="eager", choices=["eager", "graph"],
                    help="graph: the whole step as one CUDA graph (CUDA only)")
    args = ap.parse_args()
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit(f"qat_reference: --device {args.device}: this torch {torch.__version__} "
                         "has no usable CUDA")
    if args.step == "graph" and device.type != "cuda":
        raise SystemExit("qat_reference: --step graph needs --device cuda (CUDA graphs)")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train, y_train = load_idx(args.data, "train", args.train_limit)
    net = Net(args.k, args.rule)
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    net = net.to(device=device, memory_format=fmt)
    precisions = {"fp": [32], "q8": [8], "q4": [4], "nested": [8, 4]}[args.mode]

    n = x_train.shape[0]
    batch = min(args.batch, n)
    steps = n // batch
    total = steps * args.epochs
    net.train()
    if device.type == "cuda":
        x_train, y_train = x_train.to(device), y_train.to(device)
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    c0 = time.process_time()
    if device.type == "cpu":
        loss_value = train_cpu(net, x_train, y_train, precisions, fmt, args, batch, steps, total)
    else:
        loss_value = train_cuda(net, x_train, y_train, precisions, fmt, args, batch, steps, total)
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - c0
    result = {"images_per_s": round(total * batch / seconds, 1), "seconds": round(seconds, 3),
              "cpu_seconds": round(cpu_seconds, 3),
              "cpu_images_per_s": round(total * batch / cpu_seconds, 1),
              "images": total * batch, "loss": round(loss_value, 5), "mode": args.mode,
              "batch": batch, "threads": args.threads, "channels_last": args.channels_last,
              "device": str(device), "step": args.step, "epochs": args.epochs,
              "torch": torch.__version__}
    if args.test_limit:
        x_test, y_test = load_idx(args.data, "t10k", args.test_limit)
        x_test, y_test = x_test.to(device), y_test.to(device)
        net.eval()
        with torch.no_grad():
            for bits in precisions:
                pred = net(x_test.contiguous(memory_format=fmt), bits).argmax(1)
                result[f"acc{'_fp' if bits == 32 else bits}"] = round(
                    100.0 * (pred == y_test).float().mean().item(), 2)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
