#!/usr/bin/env python3
"""`make bench`: the runner against its PyTorch peer (peer.py), side by side on this machine.

Workloads: the FCN of ~100k weights and the compact CNN of 94,410 (per-epoch time), and a
table1-shaped sweep (wall time of the runner's sweep vs the peer running the trials one after
another). After one warm-up run of each side, runs alternate runner, peer, runner, peer ...
(--pairs, at least 3) so that drift in machine speed hits both sides alike. Writes
results/bench/bench.csv (one row per run pair plus median/min/max rows) and
results/bench/machine.json (CPU, cores, versions, BLAS, threads, matmul rate). The FLOP floor of
each epoch workload = counted training + evaluation FLOPs / measured matrix-multiply rate.
"""
import argparse
import calendar
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = "/usr/bin/python3"  # Debian's, with python3-torch
TRAIN, VAL, TEST = 54000, 6000, 10000  # the runner's default 10% holdout

EXPERIMENTS = {
    "fcn": "name: bench-fcn\ngrid:\n  - {arch: fcn, budget: 100000, epochs: %d}\n",
    "cnn": "name: bench-cnn\ngrid:\n  - {arch: cnn, budget: 94410, conv_blocks: 3, epochs: %d}\n",
}


# as the Makefile starts the runner (see JAVA there); worker JVMs pick their own flags
RUNNER_JAVA = ["java", "-Dai.djl.offline=true", "-XX:TieredStopAtLevel=1", "-jar"]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def plan(jar, experiment):
    out = run([*RUNNER_JAVA, str(jar), "plan", str(experiment), "--json"]).stdout
    return json.loads(out)


def runner_epochs(jar, experiment, workdir, threads, workers, extra=()):
    return runner_sweep(jar, experiment, workdir, threads, workers, extra)[:2]


def runner_sweep(jar, experiment, workdir, threads, workers, extra=()):
    """Epoch times, wall time, and (start, end) of each trial, on the wall clock of the sweep."""
    results = Path(workdir) / f"r{time.monotonic_ns()}"
    began = time.time()
    start = time.perf_counter()
    run([*RUNNER_JAVA, str(jar), "sweep", str(experiment), "--results", str(results), "--no-progress",
         "--workers", str(workers), "--threads", str(threads), *extra])
    wall = time.perf_counter() - start
    times, spans = [], []
    for d in sorted((results / "trials").iterdir()):
        with open(d / "epochs.csv") as fh:
            times += [float(r["epoch_time_s"]) for r in csv.DictReader(fh)]
        trial = json.loads((d / "trial.json").read_text())
        spans.append((iso_seconds(trial["started_at"]) - began, iso_seconds(trial["finished_at"]) - began))
    return times, wall, spans


def iso_seconds(stamp):
    """Seconds since the epoch of an ISO-8601 UTC instant as Java writes it (up to nanoseconds)."""
    whole, _, fraction = stamp.rstrip("Z").partition(".")
    return calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S")) + float("0." + (fraction or "0"))


# a worker's next trial starts within this many seconds of its last one ending (records, RUN line)
CHAIN_GAP_S = 0.5


def sweep_time_split(spans, workers, wall):
    """Where the workers' time went: in trials, idle at the end (a worker with no trial left while
    another still trains), and the rest: JVM and engine start, data load, planning, gaps between
    trials, writing the report. Trials are chained per worker: each starts when one ended."""
    ends = [0.0] * workers
    for start, end in sorted(spans):
        slot = min(range(workers), key=lambda i: abs(start - ends[i]) if ends[i] <= start + CHAIN_GAP_S else float("inf"))
        ends[slot] = end
    in_trials = sum(end - start for start, end in spans)
    idle_tail = sum(max(ends) - e for e in ends)
    total = workers * wall
    return in_trials / total, idle_tail / total, (total - in_trials - idle_tail) / total


# the peer evaluates like the studies' scripts (PyTorch's MNIST example: test batch 1000), not in
# the runner's per-network batches (README, Performance, says what that choice is worth)
STUDY_EVAL_BATCH = 1000


def peer_epochs(trial, epochs, threads, eval_batch=STUDY_EVAL_BATCH):
    widths = ",".join(str(w) for w in trial["widths"])
    start = time.perf_counter()
    out = run([PYTHON, str(ROOT / "bench" / "peer.py"), "--arch", trial["arch"], "--widths", widths,
               "--epochs", str(epochs), "--batch-size", str(trial["batch_size"]), "--lr", str(trial["lr"]),
               "--dropout", str(trial["dropout"]), "--eval-batch", str(eval_batch),
               "--threads", str(threads)]).stdout
    wall = time.perf_counter() - start
    lines = [json.loads(line) for line in out.splitlines()]
    if lines[0]["params"] != trial["params"]:
        sys.exit(f"peer built {lines[0]['params']} parameters, the runner {trial['params']}")
    return [line["seconds"] for line in lines[1:]], wall


def flops_per_epoch(trial):
    """Multiply-adds x 2 per image forward; training = forward + backward (~3x forward)."""
    macs, side, c_in = 0, 28, 1
    if trial["arch"] == "fcn":
        width_in = 784
        for w in trial["widths"]:
            macs += width_in * w
            width_in = w
        macs += width_in * 10
    else:
        for c in trial["widths"]:
            macs += side * side * c_in * c * 9
            side //= 2
            c_in = c
        macs += c_in * 10
    forward = 2 * macs
    return 3 * forward * TRAIN + forward * (VAL + TEST)


def matmul_rate(threads):
    code = ("import torch,time;torch.set_num_threads(%d);a=torch.randn(1024,1024);b=torch.randn(1024,1024);"
            "[a@b for _ in range(3)];t=time.perf_counter();n=20;[a@b for _ in range(n)];"
            "print(2*1024**3*n/(time.perf_counter()-t))" % threads)
    return float(run([PYTHON, "-c", code]).stdout)


def machine(threads, rate):
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    torch_info = run([PYTHON, "-c", "import torch;print(torch.__version__);print(torch.__config__.show())"]).stdout
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    return {"cpu": cpu, "cores": os.cpu_count(), "os": platform.platform(), "threads": threads,
            "peer_torch": torch_info.splitlines()[0], "peer_blas_library": blas,
            "peer_torch_config": torch_info.splitlines()[1:],
            "java": run(["java", "-version"]).stderr.splitlines()[0],
            "matmul_gflops": round(rate / 1e9, 2)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pairs", type=int, default=3)
    p.add_argument("--workloads", default="fcn,cnn,sweep")
    p.add_argument("--epochs", type=int, default=2, help="epochs per run of the fcn/cnn workloads")
    p.add_argument("--sweep-epochs", type=int, default=2, help="epochs per trial of the table1-shaped sweep")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--out", default=str(ROOT / "results" / "bench"))
    p.add_argument("--jar", default=str(ROOT / "runner" / "target" / "runner.jar"),
                   help="the runner jar (a copy keeps a rebuild during a long bench out of it)")
    a = p.parse_args()
    if a.pairs < 3:
        sys.exit("--pairs: at least 3")
    jar = Path(a.jar)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    rate = matmul_rate(a.threads)
    (out / "machine.json").write_text(json.dumps(machine(a.threads, rate), indent=2) + "\n")
    rows = []
    overheads = []
    with tempfile.TemporaryDirectory() as work:
        for workload in a.workloads.split(","):
            if workload == "sweep":
                experiment = ROOT / "experiments" / "table1.yaml"
                trials = plan(jar, experiment)
                cores = os.cpu_count()

                def runner_side():
                    _, wall, spans = runner_sweep(jar, experiment, work, 1, cores, ("--epochs", str(a.sweep_epochs)))
                    overheads.append(sweep_time_split(spans, cores, wall))
                    return wall

                def peer_side():
                    return sum(peer_epochs(t, a.sweep_epochs, a.threads)[1] for t in trials)

                measure, floor = "wall_s", None
            else:
                experiment = Path(work) / f"{workload}.yaml"
                experiment.write_text(EXPERIMENTS[workload] % a.epochs)
                trial = plan(jar, experiment)[0]

                def runner_side():
                    return statistics.median(runner_epochs(jar, experiment, work, a.threads, 1)[0])

                def peer_side():
                    return statistics.median(peer_epochs(trial, a.epochs, a.threads)[0])

                measure, floor = "epoch_s", flops_per_epoch(trial) / rate
            print(f"== {workload}: warm-up", flush=True)
            runner_side()
            peer_side()
            ratios = []
            for pair in range(1, a.pairs + 1):
                r, q = runner_side(), peer_side()
                ratios.append(r / q)
                rows.append([workload, measure, pair, f"{r:.3f}", f"{q:.3f}", f"{r / q:.3f}",
                             "" if floor is None else f"{floor:.3f}"])
                print(f"   pair {pair}: runner {r:.2f} s, peer {q:.2f} s, ratio {r / q:.3f}", flush=True)
            pair_rows = [row for row in rows if row[0] == workload and isinstance(row[2], int)]
            for name, fn in (("median", statistics.median), ("min", min), ("max", max)):
                rows.append([workload, measure, name, f"{fn(float(x[3]) for x in pair_rows):.3f}",
                             f"{fn(float(x[4]) for x in pair_rows):.3f}", f"{fn(ratios):.3f}",
                             "" if floor is None else f"{floor:.3f}"])
            if workload == "sweep":
                # warm-up run excluded, like the timings; fractions of workers x wall time
                for index, measure_name in ((2, "runner_overhead_fraction"), (1, "idle_tail_fraction")):
                    values = [split[index] for split in overheads[1:]]
                    for name, fn in (("median", statistics.median), ("min", min), ("max", max)):
                        rows.append([workload, measure_name, name, f"{fn(values):.4f}", "", "", ""])
                median = [statistics.median(split[i] for split in overheads[1:]) for i in range(3)]
                print(f"   workers' time: {median[0]:.1%} in trials, {median[1]:.1%} idle at the end (no trial "
                      f"left), {median[2]:.1%} runner overhead (start, data, planning, writing) (medians)",
                      flush=True)
    header = ["workload", "measure", "pair", "runner_s", "peer_s", "ratio", "flop_floor_s"]
    measured = set(a.workloads.split(","))
    kept = []  # rows of workloads not measured this time stay as they were
    if (out / "bench.csv").exists():
        with open(out / "bench.csv") as f:
            kept = [[r[k] for k in header] for r in csv.DictReader(f) if r["workload"] not in measured]
    with open(out / "bench.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(kept + rows)
    print(f"wrote {out / 'bench.csv'} and {out / 'machine.json'}")


if __name__ == "__main__":
    main()
