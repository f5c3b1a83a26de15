#!/usr/bin/env python3
"""PyTorch eager twin of `autost bench train`: the same spiking transformer, recipe and batch.

The model mirrors services/models (AutoST backbone, PLIF neurons with decay_input and a
detached hard reset, sigmoid(4x) straight-through surrogate, T = 4 folded into the batch
outside the neurons, SPS stem for 28x28x1 with pools after stages 3 and 4, softmax-free
attention computed as Q (K^T V)), the genome {"depth":1,"mlp_ratios":[4],"num_heads":[4],
"embed_dim":64}, AdamW with label smoothing 0.1, batch 64, on the real Fashion-MNIST training
images. It prints training images/s so the two engines compare on the same CPU.

Usage: python3 pytorch_eager_bench.py [--steps 100] [--batch-size 64] [--threads 1]
           [--genome JSON] [--eval-images 1000]
After training it evaluates the first test images at batch 250 without a graph (as the Java
trainer's per-epoch evaluation) and prints the process's peak resident memory.
Needs python3-torch and python3-numpy (Debian packages).
"""
import argparse
import gzip
import json
import resource
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

T = 4
ALPHA = 4.0


class PLIF(nn.Module):
    """Multi-step PLIF: 1/tau = sigmoid(w), w = 0 at init (tau = 2)."""

    def __init__(self, threshold=1.0):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))
        self.threshold = threshold

    def forward(self, x):
        steps = x.reshape(T, -1)
        k = torch.sigmoid(self.w)
        v = None
        out = []
        for t in range(T):
            xt = steps[t]
            v = xt * k if v is None else v + (xt - v) * k
            d = v - self.threshold
            g = torch.sigmoid(d * ALPHA)
            h = (d >= 0).float()
            out.append((h - g).detach() + g)
            if t + 1 < T:
                v = v * (1 - h)
        return torch.stack(out).reshape(x.shape)


class Stem(nn.Module):
    def __init__(self, d):
        super().__init__()
        chans = [1, d // 8, d // 4, d // 2, d]
        self.convs = nn.ModuleList(nn.Conv2d(chans[i], chans[i + 1], 3, 1, 1, bias=False) for i in range(4))
        self.bns = nn.ModuleList(nn.BatchNorm2d(chans[i + 1]) for i in range(4))
        self.lifs = nn.ModuleList(PLIF() for _ in range(3))  # AutoST: no neuron after stage 4
        self.rpe = nn.Conv2d(d, d, 3, 1, 1, bias=False)
        self.rpe_bn = nn.BatchNorm2d(d)
        self.d = d

    def forward(self, x):
        for i in range(4):
            x = self.bns[i](self.convs[i](x))
            if i < 3:
                x = self.lifs[i](x)
            if i >= 2:
                x = F.max_pool2d(x, 3, 2, 1)
        x = x + self.rpe_bn(self.rpe(x))
        tb = x.shape[0]
        return x.reshape(tb, self.d, -1).transpose(1, 2).reshape(-1, self.d)


class Attention(nn.Module):
    def __init__(self, d, heads, tokens):
        super().__init__()
        self.d, self.heads, self.tokens = d, heads, tokens
        self.in_lif = PLIF()
        self.q, self.k, self.v = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.q_bn, self.k_bn, self.v_bn = nn.BatchNorm1d(d), nn.BatchNorm1d(d), nn.BatchNorm1d(d)
        self.q_lif, self.k_lif, self.v_lif = PLIF(), PLIF(), PLIF()
        self.attn_lif = PLIF(0.5)
        self.proj = nn.Linear(d, d)
        self.proj_bn = nn.BatchNorm1d(d)

    def split(self, x, images):
        return x.reshape(images, self.tokens, self.heads, self.d // self.heads).transpose(1, 2)

    def forward(self, x):
        x = self.in_lif(x)
        rows = x.shape[0]
        images = rows // self.tokens
        q = self.split(self.q_lif(self.q_bn(self.q(x))), images)
        k = self.split(self.k_lif(self.k_bn(self.k(x))), images)
        v = self.split(self.v_lif(self.v_bn(self.v(x))), images)
        y = q.matmul(k.transpose(2, 3).matmul(v) * 0.125).transpose(1, 2).reshape(rows, self.d)
        return self.proj_bn(self.proj(self.attn_lif(y)))


class Mlp(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.lif1, self.lif2 = PLIF(), PLIF()
        self.fc1, self.bn1 = nn.Linear(d, hidden), nn.BatchNorm1d(hidden)
        self.fc2, self.bn2 = nn.Linear(hidden, d), nn.BatchNorm1d(d)

    def forward(self, x):
        return self.bn2(self.fc2(self.lif2(self.bn1(self.fc1(self.lif1(x))))))


class Net(nn.Module):
    def __init__(self, d=64, ratios=(4,), heads=(4,), tokens=49, classes=10):
        super().__init__()
        self.d = d
        self.stem = Stem(d)
        self.blocks = nn.ModuleList(nn.ModuleList([Attention(d, h, tokens), Mlp(d, int(d * r))])
                                    for r, h in zip(ratios, heads))
        self.head = nn.Linear(d, classes)

    def forward(self, images):
        b = images.shape[0]
        x = self.stem(images.repeat(T, 1, 1, 1))
        for attn, mlp in self.blocks:
            x = x + attn(x)
            x = x + mlp(x)
        return self.head(x.reshape(T, b, -1, self.d).mean(2).mean(0))


def load_images(path, count):
    with gzip.open(path, "rb") as f:
        data = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    x = data.reshape(-1, 1, 28, 28)[:count].astype(np.float32) / 255.0
    return torch.from_numpy((x - 0.2860) / 0.3530)


def load_labels(path, count):
    with gzip.open(path, "rb") as f:
        return torch.from_numpy(np.frombuffer(f.read(), dtype=np.uint8, offset=8)[:count].astype(np.int64))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--genome", default='{"depth":1,"mlp_ratios":[4],"num_heads":[4],"embed_dim":64}')
    p.add_argument("--eval-images", type=int, default=1000)
    a = p.parse_args()
    genome = json.loads(a.genome)
    torch.set_num_threads(a.threads)
    torch.set_flush_denormal(True)
    torch.manual_seed(0)
    n = a.batch_size * (a.steps + 10)
    x = load_images(a.data_dir + "/train-images-idx3-ubyte.gz", n)
    y = load_labels(a.data_dir + "/train-labels-idx1-ubyte.gz", n)
    xt = load_images(a.data_dir + "/t10k-images-idx3-ubyte.gz", a.eval_images)
    model = Net(genome["embed_dim"], genome["mlp_ratios"], genome["num_heads"])
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
    model.train()

    def step(i):
        xb = x[i * a.batch_size:(i + 1) * a.batch_size]
        yb = y[i * a.batch_size:(i + 1) * a.batch_size]
        target = torch.full((a.batch_size, 10), 0.1 / 10).scatter_(1, yb[:, None], 0.9 + 0.1 / 10)
        opt.zero_grad(set_to_none=True)
        logits = model(xb)
        loss = -(logits.log_softmax(1) * target).sum(1).mean()
        loss.backward()
        opt.step()
        return loss.item(), logits.argmax(1)

    def rss_gb():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024 / 1e9
        return float("nan")

    def peak_gb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9

    for i in range(10):  # warm-up, as the Java bench does
        step(i)
    rss10 = rss90 = float("nan")
    start = time.perf_counter()
    for i in range(a.steps):
        step(10 + i)
        if i + 1 == max(1, a.steps // 10):
            rss10 = rss_gb()
        elif i + 1 == a.steps * 9 // 10:
            rss90 = rss_gb()
    seconds = time.perf_counter() - start
    peak_train = peak_gb()
    model.eval()
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, a.eval_images, 250):
            model(xt[i:i + 250]).argmax(1)
    eval_seconds = time.perf_counter() - start
    print("pytorch eager %s: %s, %d threads, batch %d, %d steps, %d params"
          % (torch.__version__, json.dumps(genome, separators=(",", ":")), a.threads, a.batch_size, a.steps, params))
    print("train:    %.1f images/s" % (a.batch_size * a.steps / seconds))
    print("eval:     %.1f images/s (%d images, batch 250)" % (a.eval_images / eval_seconds, a.eval_images))
    print("memory:   peak RSS %.2f GB (%.2f GB after training; RSS at 10 %% of the steps %.2f GB, at 90 %% %.2f GB)"
          % (peak_gb(), peak_train, rss10, rss90))


if __name__ == "__main__":
    main()
