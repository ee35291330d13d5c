#!/usr/bin/env python3
"""PyTorch peer of the runner's training loop, for `make bench` (see README, Performance).

The same networks as the runner's budget-sized FCN and CNN (ModelFactory.java), the same data
(Fashion-MNIST IDX files, x/255, 10% validation holdout), batch size, Adam, and per epoch a
training pass plus evaluation of the validation and test sets, at batch 1000 like PyTorch's MNIST
example (study E's model 1) unless --eval-batch says otherwise (the runner sizes its inference
batches per network: `plan --json`'s eval_batch). Written the way a careful hand-written study
script is: data as tensors in memory, one randperm per epoch, no DataLoader workers.
--channels-last runs a CNN channels-last (model and input batches), as the runner does on the CPU.
--threads sets PyTorch's threads and OpenBLAS's own pool (which torch.set_num_threads leaves at
the core count), so a one-thread peer is one thread, as a runner worker with --threads 1 is.

Prints a header line {"params", "threads", "torch", "openblas", ...}, then one JSON line per
epoch: {"epoch", "seconds", "train_loss", "val_loss", "val_acc", "test_loss", "test_acc"}.
"""
import argparse
import contextlib
import ctypes
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


def load(data_dir, train_limit=None, val_fraction=0.1, split_seed=42):
    """train_limit: the first N training images only (smoke runs), split as the runner's --train-limit."""
    d = {k: read_idx(Path(data_dir) / v) for k, v in FILES.items()}
    x = d["train_images"][:train_limit].float().div_(255).unsqueeze(1)
    y = d["train_labels"][:train_limit].long()
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


def nhwc(batch):
    """A one-channel NCHW batch seen channels-last: the same memory with NHWC strides (no copy).
    With one channel both layouts are one memory order, and .contiguous(memory_format=...) keeps
    the NCHW strides, so PyTorch would not pick channels-last kernels from the input alone."""
    n, c, h, w = batch.shape
    if c != 1 or not batch.is_contiguous():
        return batch.contiguous(memory_format=torch.channels_last)
    return batch.as_strided(batch.shape, (c * h * w, 1, w * c, c))


def openblas():
    """The OpenBLAS behind PyTorch's BLAS (Debian's python3-torch calls libblas.so.3), or None."""
    try:
        lib = ctypes.CDLL("libblas.so.3")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        return lib
    except (OSError, AttributeError):
        return None


def evaluate(model, loss_fn, x, y, batch, layout, mixed):
    model.eval()
    correct, loss_sum = 0, 0.0
    with torch.no_grad():
        for s in range(0, len(y), batch):
            with mixed():
                logits = model(layout(x[s:s + batch])).float()
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
    p.add_argument("--threads", type=int, default=2, help="PyTorch's and OpenBLAS's threads")
    p.add_argument("--channels-last", action="store_true", help="CNN: model and inputs channels-last")
    p.add_argument("--bf16", action="store_true",
                   help="forward passes under torch.autocast('cpu', bfloat16), the loss on fp32 logits: what the "
                        "runner's precision: bf16 does (fp32 weights and optimizer)")
    p.add_argument("--train-limit", type=int, help="the first N training images only (smoke runs)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    blas = openblas()
    if blas is not None:
        blas.openblas_set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    widths = [int(w) for w in a.widths.split(",")]
    model = fcn(widths, a.dropout) if a.arch == "fcn" else cnn(widths, a.dropout)
    channels_last = a.channels_last and a.arch == "cnn"
    layout = nhwc if channels_last else (lambda batch: batch)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    mixed = ((lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if a.bf16 else contextlib.nullcontext)
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    (tx, ty), (vx, vy), (sx, sy) = load(a.data, a.train_limit)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = nn.CrossEntropyLoss()
    print(json.dumps({
        "params": params, "threads": torch.get_num_threads(), "torch": torch.__version__,
        "openblas": None if blas is None else blas.openblas_get_config().decode(),
        "openblas_core": None if blas is None else blas.openblas_get_corename().decode(),
        "openblas_threads": None if blas is None else blas.openblas_get_num_threads(),
        "channels_last": channels_last, "eval_batch": a.eval_batch, "bf16": a.bf16,
        "train_images": len(ty), "val_images": len(vy), "test_images": len(sy)}), flush=True)
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
            with mixed():
                logits = model(layout(xb))
            loss = loss_fn(logits.float(), yb)
            loss.backward()
            opt.step()
            loss_sum += loss.detach() * len(yb)
        val_loss, val_acc = evaluate(model, loss_fn, vx, vy, a.eval_batch, layout, mixed)
        test_loss, test_acc = evaluate(model, loss_fn, sx, sy, a.eval_batch, layout, mixed)
        seconds = time.perf_counter() - start
        print(json.dumps({"epoch": epoch, "seconds": round(seconds, 3),
                          "train_loss": round(loss_sum.item() / len(ty), 6),
                          "val_loss": round(val_loss, 6), "val_acc": val_acc,
                          "test_loss": round(test_loss, 6), "test_acc": test_acc}), flush=True)


if __name__ == "__main__":
    main()
