#!/usr/bin/env python3
"""PyTorch peer of the runner's training loop, for `make bench` (see README, Performance).

The same networks as the runner's budget-sized FCN and CNN (ModelFactory.java), the same data
(Fashion-MNIST IDX files, x/255, 10% validation holdout), batch size, Adam, and per epoch a
training pass plus evaluation of the validation and test sets, at batch 1000 like PyTorch's MNIST
example (study E's model 1) unless --eval-batch says otherwise (the runner sizes its inference
batches per network: `plan --json`'s eval_batch). Written the way a careful hand-written study
script is: data as tensors in memory, one randperm per epoch, no DataLoader workers.

Prints one JSON line per epoch: {"epoch", "seconds", "train_loss", "test_acc"}.
"""
import argparse
import gzip
import json
import struct
import time
from pathlib import Path

import torch
from torch import nn

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def load(data_dir, val_fraction=0.1, split_seed=42):
    d = {k: read_idx(Path(data_dir) / v) for k, v in FILES.items()}
    x = d["train_images"].float().div_(255).unsqueeze(1)
    y = d["train_labels"].long()
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(split_seed))
    n_val = int(round(len(y) * val_fraction))
    val, train = order[:n_val], order[n_val:]
    test_x = d["test_images"].float().div_(255).unsqueeze(1)
    return (x[train], y[train]), (x[val], y[val]), (test_x, d["test_labels"].long())


def fcn(widths, dropout):
    layers, width_in = [nn.Flatten()], 784
    for w in widths:
        layers += [nn.Linear(width_in, w), nn.BatchNorm1d(w), nn.ReLU(), nn.Dropout(dropout)]
        width_in = w
    return nn.Sequential(*layers, nn.Linear(width_in, 10))


def cnn(channels, dropout):
    layers, c_in = [], 1
    for c in channels:
        layers += [nn.Conv2d(c_in, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(), nn.MaxPool2d(2)]
        c_in = c
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(c_in, 10))


def evaluate(model, loss_fn, x, y, batch):
    model.eval()
    correct, loss_sum = 0, 0.0
    with torch.no_grad():
        for s in range(0, len(y), batch):
            logits = model(x[s:s + batch])
            loss_sum += loss_fn(logits, y[s:s + batch]).item() * len(logits)
            correct += (logits.argmax(1) == y[s:s + batch]).sum().item()
    return loss_sum / len(y), correct / len(y)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--arch", choices=["fcn", "cnn"], required=True)
    p.add_argument("--widths", required=True, help="hidden widths or conv channels, e.g. 110,109")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--eval-batch", type=int, default=1000, help="images per inference batch")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    widths = [int(w) for w in a.widths.split(",")]
    model = fcn(widths, a.dropout) if a.arch == "fcn" else cnn(widths, a.dropout)
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    (tx, ty), (vx, vy), (sx, sy) = load(a.data)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = nn.CrossEntropyLoss()
    print(json.dumps({"params": params, "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
    for epoch in range(1, a.epochs + 1):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(ty))
        x, y = tx[order], ty[order]
        loss_sum = torch.zeros(())
        for s in range(0, len(y) - 1, a.batch_size):  # the runner skips a final batch of one image
            xb, yb = x[s:s + a.batch_size], y[s:s + a.batch_size]
            if len(yb) < 2:
                break
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            loss_sum += loss.detach() * len(yb)
        evaluate(model, loss_fn, vx, vy, a.eval_batch)
        _, test_acc = evaluate(model, loss_fn, sx, sy, a.eval_batch)
        seconds = time.perf_counter() - start
        print(json.dumps({"epoch": epoch, "seconds": round(seconds, 3),
                          "train_loss": round(loss_sum.item() / len(ty), 6), "test_acc": test_acc}), flush=True)


if __name__ == "__main__":
    main()
