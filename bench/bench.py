#!/usr/bin/env python3
"""`make bench`: the runner against its PyTorch peer (peer.py), side by side on this machine.

Workloads: the FCN of ~100k weights and the compact CNN of 94,410 (per-epoch time), and a
table1-shaped sweep (wall time). Each is measured against two peers, because one number cannot
say both what a user of the studies' scripts gains and how the engines compare:

- epoch workloads: the **peer** as the studies' scripts run it (glibc and OpenBLAS defaults of
  the environment, NCHW, evaluation at batch 1000) and the **tuned peer** (the runner's worker
  malloc settings, channels-last for the CNN, the runner's evaluation batch, and OpenBLAS's
  OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset for that run only, if a short fixed-seed run shows
  the peer's losses and accuracies unchanged without them);
- the sweep: the peer trial after trial on all threads (as the studies run) and the **parallel
  peer**: the same trials in one one-thread tuned peer process per core, costliest first (the
  runner's Sweep.startOrder), so that orchestration is compared with orchestration.

After one warm-up run of each side, runs alternate runner, peer, tuned/parallel peer, ...
(--pairs, at least 3) so that drift in machine speed hits every side alike. Writes
results/bench/bench.csv (one row per pair, then median/min/max rows computed per column, every
row with the runner's build, both sides' libraries and BLAS, the speed-relevant environment of
each side and the CPU), results/bench/goals.csv (the goals, met or not) and
results/bench/machine.json (all of that in full, plus the OpenBLAS check). The FLOP floor of
each epoch workload = counted training + evaluation FLOPs / measured matrix-multiply rate (the
peer's, default environment). --smoke checks this script in a few minutes (not a measurement).
"""
import argparse
import calendar
import csv
import datetime
import hashlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = "/usr/bin/python3"  # Debian's, with python3-torch
DEFAULT_JAR = ROOT / "runner" / "target" / "runner.jar"
# what the jar is built from (the Makefile's SOURCES): a change there makes the jar's build "dirty"
JAR_SOURCES = ("runner/src/main", "pom.xml", "runner/pom.xml")
TRAIN_POOL, TEST = 60000, 10000  # Fashion-MNIST's training and test images
VAL_FRACTION = 0.1  # the runner's default holdout (peer.py's too)

EXPERIMENTS = {
    "fcn": "name: bench-fcn\ngrid:\n  - {arch: fcn, budget: 100000, epochs: %d}\n",
    "cnn": "name: bench-cnn\ngrid:\n  - {arch: cnn, budget: 94410, conv_blocks: 3, epochs: %d}\n",
    # the same CNN in the runner's opt-in mixed precision; its tuned peer runs under torch.autocast
    # (bfloat16) too, so that engine is compared with engine at the same precision
    "cnn-bf16": "name: bench-cnn-bf16\ngrid:\n  - {arch: cnn, budget: 94410, conv_blocks: 3, epochs: %d, "
                "precision: bf16}\n",
}
# workloads in bfloat16: no FLOP floor (the floor's rate is an fp32 matmul's), no OpenBLAS check
BF16_WORKLOADS = ("cnn-bf16",)
SWEEP_EXPERIMENT = ROOT / "experiments" / "table1.yaml"

# as the Makefile starts the runner (see JAVA there); worker JVMs pick their own flags
RUNNER_JAVA = ["java", "-Dai.djl.offline=true", "-XX:TieredStopAtLevel=1", "-jar"]

# the peer evaluates like the studies' scripts (PyTorch's MNIST example: test batch 1000); the
# tuned peer in the runner's per-network batches (plan --json's eval_batch)
STUDY_EVAL_BATCH = 1000

# The OpenBLAS variables of this environment (they pin the peer's kernels: Haswell = AVX2 on an
# AVX-512 CPU). Unset for the tuned peer only, and only when the check says results are unchanged.
OPENBLAS_PINS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# the check's run: short, fixed seed (peer.py's default), both epoch workloads' networks
CHECK_TRAIN_LIMIT, CHECK_EPOCHS = 2000, 1
CHECKED_FIELDS = ("train_loss", "val_loss", "val_acc", "test_loss", "test_acc")

# environment variables that change either side's speed; recorded per side in every row
SPEED_ENV = re.compile(r"^(OMP_|GOMP_|KMP_|MKL_|OPENBLAS_|GOTO_|BLIS_|MALLOC_|DNNL_|ONEDNN_|ATEN_|TORCH_|PYTORCH_"
                       r"|LD_PRELOAD$|LD_LIBRARY_PATH$|JAVA_TOOL_OPTIONS$|_JAVA_OPTIONS$|JDK_JAVA_OPTIONS$"
                       r"|CUDA_VISIBLE_DEVICES$)")
# /proc/cpuinfo flags that decide which kernels either side's libraries can run
SPEED_FLAGS = re.compile(r"^(avx|avx2|fma|f16c|avx_vnni|avx512.*|amx.*)$")

# The worker JVMs' glibc malloc settings are read from the runner's source, so that the tuned
# peer gets exactly what the runner's workers get and the values live in one place.
WORKER_SOURCE = ROOT / "runner" / "src" / "main" / "java" / "dev" / "sweeprunner" / "sweep" / "WorkerRunner.java"
MALLOC_SETTING = re.compile(r'"(MALLOC_[A-Z_]+)",\s*Long\.toString\((\d+)L\s*<<\s*(\d+)\)')

# The goals (docs/performance.md): against the tuned and parallel peers.
GOALS = [
    # name, workload, measure, column of its median row, comparison, target
    ("FCN epoch, runner/tuned peer", "fcn", "epoch_s", "runner_per_tuned_peer", "<=", 0.80),
    ("CNN epoch, runner/tuned peer", "cnn", "epoch_s", "runner_per_tuned_peer", "<=", 0.75),
    ("sweep throughput, runner vs parallel peer (x)", "sweep", "wall_s", "parallel_peer_per_runner", ">=", 1.2),
    ("runner overhead, fraction of workers x wall", "sweep", "runner_overhead_fraction", "runner", "<", 0.02),
    ("CNN epoch, runner/FLOP floor", "cnn", "epoch_s", "runner_per_floor", "<=", 1.5),
    # not one of the five: the opt-in precision against a peer given the same precision
    ("CNN epoch in bf16 (opt-in), runner/tuned peer in bf16", "cnn-bf16", "epoch_s", "runner_per_tuned_peer", "<=",
     0.75),
]

SIDES = ["runner", "peer", "tuned_peer", "parallel_peer"]
PROVENANCE = ["run_id", "settings", "setup", "runner_commit", "runner_dirty", "runner_commit_source",
              "runner_jar_sha256", "runner_libs", "runner_blas", "peer_libs", "peer_blas", "cpu_model", "cpu_flags",
              "cores", "env_runner", "env_peer", "env_tuned_peer", "env_parallel_peer", "openblas_check"]
MEASURED = ["workload", "measure", "row", *SIDES, "runner_per_peer", "runner_per_tuned_peer",
            "runner_per_parallel_peer", "parallel_peer_per_runner", "flop_floor_s", "runner_per_floor"]
HEADER = MEASURED + PROVENANCE
STATISTICS = (("median (per column)", statistics.median), ("min (per column)", min), ("max (per column)", max))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def plan(jar, experiment, extra=()):
    return json.loads(run([*RUNNER_JAVA, str(jar), "plan", str(experiment), "--json", *extra]).stdout)


def runner_sweep(jar, experiment, workdir, threads, workers, extra=()):
    """Epoch times, wall time, and (start, end) of each trial, on the wall clock of the sweep."""
    results = Path(workdir) / f"r{time.monotonic_ns()}"
    began = time.time()
    start = time.perf_counter()
    # --device cpu: the peer trains on the CPU, and so must the runner on a machine with a GPU
    run([*RUNNER_JAVA, str(jar), "sweep", str(experiment), "--results", str(results), "--no-progress",
         "--device", "cpu", "--workers", str(workers), "--threads", str(threads), *extra])
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


class Peer:
    """One way of running peer.py: the studies' way (tuned=False) or the tuned one, with its environment."""

    def __init__(self, tuned, env, train_limit, bf16=False):
        self.tuned, self.env, self.train_limit, self.bf16 = tuned, env, train_limit, bf16

    def command(self, trial, epochs, threads):
        widths = ",".join(str(w) for w in trial["widths"])
        eval_batch = trial["eval_batch"] if self.tuned else STUDY_EVAL_BATCH
        return [PYTHON, str(ROOT / "bench" / "peer.py"), "--arch", trial["arch"], "--widths", widths,
                "--epochs", str(epochs), "--batch-size", str(trial["batch_size"]), "--lr", str(trial["lr"]),
                "--dropout", str(trial["dropout"]), "--eval-batch", str(eval_batch), "--threads", str(threads),
                *(["--channels-last"] if self.tuned else []), *(["--bf16"] if self.bf16 else []),
                *(["--train-limit", str(self.train_limit)] if self.train_limit else [])]

    def train(self, trial, epochs, threads, env=None):
        """(header line, epoch lines, wall seconds of the whole process)."""
        start = time.perf_counter()
        out = run(self.command(trial, epochs, threads), env=self.env if env is None else env).stdout
        wall = time.perf_counter() - start
        lines = [json.loads(line) for line in out.splitlines()]
        if lines[0]["params"] != trial["params"]:
            sys.exit(f"peer built {lines[0]['params']} parameters, the runner {trial['params']}")
        return lines[0], lines[1:], wall


def multiply_adds(trial):
    """Per image forward, counted as the runner's Network.multiplyAdds (convolutions and dense layers)."""
    macs, side, c_in = 0, 28, 1
    if trial["arch"] == "fcn":
        width_in = 784
        for w in trial["widths"]:
            macs += width_in * w
            width_in = w
        return macs + width_in * 10
    for c in trial["widths"]:
        macs += side * side * c_in * c * 9
        side //= 2
        c_in = c
    return macs + c_in * 10


def split_sizes(train_limit):
    """(training, validation, test) images, as the runner splits --train-limit's first N images."""
    pool = min(train_limit or TRAIN_POOL, TRAIN_POOL)
    val = round(pool * VAL_FRACTION)
    return pool - val, val, TEST


def flops_per_epoch(trial, train_limit):
    """Multiply-adds x 2 per image forward; training = forward + backward (~3x forward)."""
    train, val, test = split_sizes(train_limit)
    forward = 2 * multiply_adds(trial)
    return 3 * forward * train + forward * (val + test)


def lpt_order(trials):
    """Costliest first, ties in plan order: the runner's Sweep.startOrder (multiply-adds x epochs;
    every trial here has the same epochs). sorted() keeps equal keys in order, as Java's does."""
    return sorted(trials, key=multiply_adds, reverse=True)


def matmul_rate(threads):
    code = ("import torch,time;torch.set_num_threads(%d);a=torch.randn(1024,1024);b=torch.randn(1024,1024);"
            "[a@b for _ in range(3)];t=time.perf_counter();n=20;[a@b for _ in range(n)];"
            "print(2*1024**3*n/(time.perf_counter()-t))" % threads)
    return float(run([PYTHON, "-c", code]).stdout)


# ---- provenance -------------------------------------------------------------------------------

def git(*args):
    try:
        return run(["git", "-C", str(ROOT), *args]).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def runner_build(jar):
    """The jar's commit and dirty flag. The jar does not record its commit (the runner asks git of
    its working directory at run time, as `runner info` shows), so they are this checkout's at
    bench time; that is the jar's build when it is runner/target/runner.jar and not older than its
    sources (make bench rebuilds it first; this script refuses a stale one)."""
    commit = git("rev-parse", "HEAD") or "unknown"
    porcelain = git("status", "--porcelain", "--", *JAR_SOURCES)
    dirty = "unknown" if porcelain is None else str(bool(porcelain)).lower()
    if jar.resolve() == DEFAULT_JAR.resolve():
        source = "git of this checkout at bench time (the jar records no commit); jar not older than its sources"
    else:
        source = f"git of this checkout at bench time; --jar {jar} is a copy whose build is not recorded in it"
    source += "; dirty = uncommitted changes in " + ", ".join(JAR_SOURCES)
    digest = hashlib.sha256()
    with open(jar, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return {"commit": commit, "dirty": dirty, "source": source, "jar_sha256": digest.hexdigest(),
            "dirty_paths": (porcelain or "").splitlines()}


def stale_jar(jar):
    files = []
    for source in JAR_SOURCES:
        path = ROOT / source
        files += [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
    return jar.stat().st_mtime < max(f.stat().st_mtime for f in files)


def runner_info(jar):
    """`runner info`, as "key: value" pairs (runner, DJL, engine, threads, JVM, ...)."""
    out = run([*RUNNER_JAVA, str(jar), "info"]).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines()) if v}


# The runner's libtorch is not Python's: its build configuration (BLAS, oneDNN, CPU capability)
# is read by loading the library DJL extracted and calling at::show_config(), which returns a
# std::string (libstdc++'s layout: data pointer, then length) through the hidden result pointer.
# No library does this for a libtorch without its Python bindings.
SHOW_CONFIG = r"""
import ctypes, os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    if name.startswith("libgomp") or name.startswith("libiomp"):
        ctypes.CDLL(os.path.join(d, name), mode=ctypes.RTLD_GLOBAL)
ctypes.CDLL(os.path.join(d, "libc10.so"), mode=ctypes.RTLD_GLOBAL)
lib = ctypes.CDLL(os.path.join(d, "libtorch_cpu.so"), mode=ctypes.RTLD_GLOBAL)
result = ctypes.create_string_buffer(64)
show = lib._ZN2at11show_configB5cxx11Ev
show.restype, show.argtypes = None, [ctypes.c_void_p]
show(result)
pointer = ctypes.c_void_p.from_buffer(result, 0).value
length = ctypes.c_size_t.from_buffer(result, 8).value
print(ctypes.string_at(pointer, length).decode())
"""


def runner_torch_config(version):
    """(libtorch directory, at::show_config() text) of the libtorch DJL loads for `version`."""
    if os.environ.get("PYTORCH_LIBRARY_PATH"):
        candidates = [Path(os.environ["PYTORCH_LIBRARY_PATH"])]
    else:
        cache = Path(os.environ.get("ENGINE_CACHE_DIR") or os.environ.get("DJL_CACHE_DIR")
                     or Path.home() / ".djl.ai")
        # the most recently extracted flavour (cpu, or a CUDA one on a GPU machine); machine.json names it
        candidates = sorted((cache / "pytorch").glob(f"{version}-*"), key=lambda d: d.stat().st_mtime, reverse=True)
    for d in candidates:
        if (d / "libtorch_cpu.so").exists():
            try:
                return str(d), run([PYTHON, "-c", SHOW_CONFIG, str(d)], timeout=120).stdout
            except (subprocess.SubprocessError, OSError) as e:
                return str(d), f"unknown: at::show_config() failed ({e})"
    return "", f"unknown: no libtorch {version} found in {[str(c) for c in candidates] or 'the DJL cache'}"


def blas_summary(config):
    """BLAS, oneDNN and CPU capability out of a torch show_config() text, on one line."""
    parts = []
    settings = dict(re.findall(r"(\w+)=([^,]*)", config.split("Build settings:", 1)[-1]))
    if "BLAS_INFO" in settings:
        parts.append("BLAS_INFO=" + settings["BLAS_INFO"])
    for pattern in (r"Math Kernel Library Version [\w.\-]+", r"MKL-DNN v[\d.]+", r"CPU capability usage: \w+"):
        found = re.search(pattern, config)
        if found:
            parts.append(found.group().replace("Math Kernel Library", "MKL").replace("MKL-DNN", "oneDNN"))
    if parts:
        return "; ".join(parts)
    return config.strip().splitlines()[0] if config.strip() else "unknown"


def dpkg_version(package):
    try:
        return run(["dpkg-query", "-W", "-f=${Version}", package]).stdout or None
    except (OSError, subprocess.CalledProcessError):
        return None


def peer_libraries():
    out = run([PYTHON, "-c", "import platform,torch;print(torch.__version__);print(platform.python_version());"
                             "print(torch.__config__.show())"]).stdout.splitlines()
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    return {"torch": out[0], "python": out[1], "config": "\n".join(out[2:]), "blas_library": blas,
            "python3_torch_package": dpkg_version("python3-torch"),
            "openblas_package": dpkg_version("libopenblas0-pthread")}


def cpu():
    fields = {}
    with open("/proc/cpuinfo") as f:
        for line in f:
            key, _, value = line.partition(":")
            if not line.strip():
                break  # the first processor's block is enough: the cores of a VM are alike
            fields.setdefault(key.strip(), value.strip())
    flags = sorted(flag for flag in fields.get("flags", "").split() if SPEED_FLAGS.match(flag))
    return {"model": fields.get("model name", "?"), "flags": " ".join(flags), "cores": os.cpu_count()}


def speed_env(env):
    return " ".join(f"{k}={v}" for k, v in sorted(env.items()) if SPEED_ENV.match(k))


def runner_malloc_settings():
    found = {name: str(int(base) << int(shift)) for name, base, shift in MALLOC_SETTING.findall(WORKER_SOURCE.read_text())}
    if not found:
        sys.exit(f"bench: no MALLOC_* settings found in {WORKER_SOURCE}; update MALLOC_SETTING in bench.py")
    return found


def openblas_check(peer, trials, threads):
    """Do the peer's results change without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE? A short
    fixed-seed run of each epoch workload's network, with the tuned peer's other settings, with
    and without them; where they differ, the run with them is repeated to tell a change from
    run-to-run noise. The variables are unset for the tuned peer only if nothing changed."""
    pinned = {k: os.environ[k] for k in OPENBLAS_PINS if k in os.environ}
    if not pinned:
        return {"variables": {}, "unchanged": True, "unset_for_tuned_peer": False,
                "outcome": "not set in this environment: nothing to unset"}
    unpinned = {k: v for k, v in peer.env.items() if k not in OPENBLAS_PINS}
    check = Peer(True, None, CHECK_TRAIN_LIMIT)
    runs, unchanged, reproducible = [], True, True

    def results(env, trial):
        header, epochs, _ = check.train(trial, CHECK_EPOCHS, threads, env)
        return header.get("openblas_core"), [{k: e[k] for k in CHECKED_FIELDS} for e in epochs]

    for trial in trials:
        core_with, with_vars = results(peer.env, trial)
        core_without, without_vars = results(unpinned, trial)
        entry = {"network": trial["network"], "openblas_core_with": core_with, "openblas_core_without": core_without,
                 "with": with_vars, "without": without_vars, "equal": with_vars == without_vars}
        if with_vars != without_vars:
            unchanged = False
            entry["with_again"] = results(peer.env, trial)[1]
            reproducible = reproducible and entry["with_again"] == with_vars
        runs.append(entry)
    outcome = ("unchanged to the printed precision: unset for the tuned peer" if unchanged
               else "changed: kept for the tuned peer" + ("" if reproducible
                                                           else " (the run with them does not repeat itself either)"))
    return {"variables": pinned, "train_limit": CHECK_TRAIN_LIMIT, "epochs": CHECK_EPOCHS, "threads": threads,
            "compared": list(CHECKED_FIELDS), "runs": runs, "unchanged": unchanged,
            "unset_for_tuned_peer": unchanged, "outcome": outcome}


# ---- rows and goals -----------------------------------------------------------------------------

def ratio(a, b):
    return a / b if a is not None and b else None


def pair_row(workload, measure, pair, values, floor):
    r = values.get("runner")
    return {"workload": workload, "measure": measure, "row": pair,
            **{side: values.get(side) for side in SIDES},
            "runner_per_peer": ratio(r, values.get("peer")),
            "runner_per_tuned_peer": ratio(r, values.get("tuned_peer")),
            "runner_per_parallel_peer": ratio(r, values.get("parallel_peer")),
            "parallel_peer_per_runner": ratio(values.get("parallel_peer"), r),
            "flop_floor_s": floor, "runner_per_floor": ratio(r, floor)}


def statistic_rows(pairs):
    """Median, min and max of each column on its own (a median row's ratio is the median of the
    pairs' ratios, not the ratio of the median times)."""
    rows = []
    for name, fn in STATISTICS:
        row = {"workload": pairs[0]["workload"], "measure": pairs[0]["measure"], "row": name}
        for column in MEASURED[3:]:
            values = [p[column] for p in pairs if p[column] is not None]
            row[column] = fn(values) if values else None
        rows.append(row)
    return rows


def formatted(row, provenance):
    def cell(column, value):
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.4f}" if "fraction" in row["measure"] else f"{value:.3f}"
        return value
    return {column: cell(column, row.get(column, provenance.get(column))) for column in HEADER}


def goals(rows):
    """Each goal from the median row of its workload in bench.csv (this run's, or one kept from
    an earlier run: its run_id and build say which)."""
    out = []
    for name, workload, measure, column, comparison, target in GOALS:
        row = next((r for r in rows if (r["workload"], r["measure"], r["row"]) == (workload, measure, STATISTICS[0][0])
                    and r[column] != ""), None)
        if row is None:
            out.append({"goal": name, "value": "", "comparison": comparison, "target": target, "met": "not measured",
                        "run_id": "", "runner_commit": "", "runner_dirty": "", "source": ""})
            continue
        value = float(row[column])
        met = {"<=": value <= target, ">=": value >= target, "<": value < target}[comparison]
        out.append({"goal": name, "value": row[column], "comparison": comparison, "target": target,
                    "met": "met" if met else "not met", "run_id": row["run_id"],
                    "runner_commit": row["runner_commit"], "runner_dirty": row["runner_dirty"],
                    "source": f"bench.csv {workload} {measure} {row['row']}, column {column}"})
    return out


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


# ---- main ----------------------------------------------------------------------------------------

# --smoke: a training set small enough for the whole script to run in minutes
SMOKE_TRAIN_LIMIT = 3000


def arguments():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pairs", type=int, default=3, help="rounds after the warm-up (at least 3)")
    p.add_argument("--workloads", default="fcn,cnn,cnn-bf16,sweep",
                   help="comma-separated; rows of the others are kept")
    p.add_argument("--epochs", type=int, default=2, help="epochs per run of the fcn/cnn workloads")
    p.add_argument("--sweep-epochs", type=int, default=2, help="epochs per trial of the table1-shaped sweep")
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="threads of the epoch workloads' sides")
    p.add_argument("--train-limit", type=int, help="train on the first N training images (checks, not results)")
    p.add_argument("--no-warmup", action="store_true", help="no warm-up run per side (checks, not results)")
    p.add_argument("--smoke", action="store_true",
                   help=f"check this script in minutes: 1 pair, 1 epoch, --train-limit {SMOKE_TRAIN_LIMIT}, no "
                        "warm-up, written to a temporary directory unless --out says otherwise (not a measurement)")
    p.add_argument("--out", help="results directory (default results/bench)")
    p.add_argument("--jar", default=str(DEFAULT_JAR),
                   help="the runner jar (a copy keeps a rebuild during a long bench out of it)")
    a = p.parse_args()
    if a.smoke:
        a.pairs, a.epochs, a.sweep_epochs, a.no_warmup = 1, 1, 1, True
        a.train_limit = a.train_limit or SMOKE_TRAIN_LIMIT
        a.out = a.out or str(Path(tempfile.gettempdir()) / "sweeprunner-bench-smoke")
    elif a.pairs < 3:
        p.error("--pairs: at least 3 (--smoke for a check of the script)")
    a.workloads = a.workloads.split(",")
    unknown = [w for w in a.workloads if w not in (*EXPERIMENTS, "sweep")]
    if unknown:
        p.error(f"--workloads: unknown {unknown}; {', '.join((*EXPERIMENTS, 'sweep'))}")
    a.jar = Path(a.jar)
    if a.jar.resolve() == DEFAULT_JAR.resolve() and stale_jar(a.jar):
        p.error(f"{a.jar} is older than its sources ({', '.join(JAR_SOURCES)}): rebuild it (make bench does)")
    a.out = Path(a.out or ROOT / "results" / "bench")
    return a


def describe(a, run_id, jar, check, envs):
    """(the provenance columns every row carries, machine.json) of this run."""
    build = runner_build(jar)
    info = runner_info(jar)
    engine_version = info.get("engine", "?").split()[-1]
    libtorch_dir, runner_config = runner_torch_config(engine_version)
    peer_libs = peer_libraries()
    host = cpu()
    settings = (f"pairs={a.pairs} warmup={'no' if a.no_warmup else 'yes'} epochs={a.epochs} "
                f"sweep_epochs={a.sweep_epochs} threads={a.threads} train_limit={a.train_limit or 'none'}"
                + (" SMOKE (a check of the script, not a measurement)" if a.smoke else ""))
    peer_package = peer_libs["python3_torch_package"]
    openblas_package = peer_libs["openblas_package"]
    provenance = {
        "run_id": run_id, "settings": settings,
        "runner_commit": build["commit"], "runner_dirty": build["dirty"], "runner_commit_source": build["source"],
        "runner_jar_sha256": build["jar_sha256"],
        "runner_libs": (f"runner {info.get('runner', '?').split(' (')[0]}; DJL {info.get('DJL', '?')}; "
                        f"{info.get('engine', '?')} (libtorch); {info.get('JVM', '?')}"),
        "runner_blas": blas_summary(runner_config),
        "peer_libs": (f"torch {peer_libs['torch']}" + (f" (Debian python3-torch {peer_package})" if peer_package else "")
                      + f"; Python {peer_libs['python']}"),
        "peer_blas": (f"{blas_summary(peer_libs['config'])}; libblas.so.3 = {peer_libs['blas_library']}"
                      + (f" (libopenblas0-pthread {openblas_package})" if openblas_package else "")),
        "cpu_model": host["model"], "cpu_flags": host["flags"], "cores": host["cores"],
        **{f"env_{side}": speed_env(env) for side, env in envs.items()},
        "openblas_check": check["outcome"],
    }
    machine = {
        "run_id": run_id, "settings": settings, "cpu": host["model"], "cpu_flags": host["flags"],
        "cores": host["cores"], "os": platform.platform(), "threads": a.threads,
        "runner": {"build": build, "info": info, "libtorch_dir": libtorch_dir,
                   "libtorch_config": runner_config.splitlines(),
                   "java": run(["java", "-version"]).stderr.splitlines()[0]},
        "peer": {**{k: v for k, v in peer_libs.items() if k != "config"},
                 "torch_config": peer_libs["config"].splitlines()},
        "environment": {side: speed_env(env) for side, env in envs.items()},
        "openblas_check": check,
    }
    return provenance, machine


class Bench:
    """The sides of each workload, run in rounds."""

    def __init__(self, a, workdir, peer, tuned, rate):
        self.a, self.workdir, self.peer, self.tuned, self.rate = a, workdir, peer, tuned, rate
        self.cores = os.cpu_count()
        self.limit_args = ("--train-limit", str(a.train_limit)) if a.train_limit else ()

    def epoch_workload(self, workload, experiment, trial):
        """(sides, measure, FLOP floor, setup) of an FCN or CNN epoch."""
        a = self.a
        bf16 = workload in BF16_WORKLOADS
        tuned = Peer(True, self.tuned.env, self.tuned.train_limit, bf16=True) if bf16 else self.tuned
        setup = (f"runner --workers 1 --threads {a.threads}; peer and tuned peer {a.threads} threads; "
                 f"eval batch peer {STUDY_EVAL_BATCH}, tuned peer and runner {trial['eval_batch']}"
                 + ("; runner precision bf16, tuned peer under torch.autocast bfloat16, peer fp32 (the studies')"
                    if bf16 else ""))

        def runner_side():
            return statistics.median(runner_sweep(a.jar, experiment, self.workdir, a.threads, 1, self.limit_args)[0])

        def peer_side(peer):
            return lambda: statistics.median(e["seconds"] for e in peer.train(trial, a.epochs, a.threads)[1])

        sides = (("runner", runner_side), ("peer", peer_side(self.peer)), ("tuned_peer", peer_side(tuned)))
        return sides, "epoch_s", None if bf16 else flops_per_epoch(trial, a.train_limit) / self.rate, setup

    def sweep_workload(self, trials, overheads):
        """(sides, measure, FLOP floor, setup) of the table1-shaped sweep; each runner sweep appends
        its (in trials, idle tail, overhead) split to overheads."""
        a, cores = self.a, self.cores
        sweep_args = ("--epochs", str(a.sweep_epochs), *self.limit_args)
        setup = (f"runner --workers {cores} --threads 1; peer trial after trial, {a.threads} threads, one process "
                 f"per trial; parallel peer: {cores} one-thread tuned processes, costliest first")

        def runner_side():
            _, wall, spans = runner_sweep(a.jar, SWEEP_EXPERIMENT, self.workdir, 1, cores, sweep_args)
            overheads.append(sweep_time_split(spans, cores, wall))
            return wall

        def peer_side():
            return sum(self.peer.train(t, a.sweep_epochs, a.threads)[2] for t in trials)

        def parallel_side():
            start = time.perf_counter()
            with ThreadPoolExecutor(cores) as pool:  # a FIFO queue: each free slot takes the next costliest
                list(pool.map(lambda t: self.tuned.train(t, a.sweep_epochs, 1), lpt_order(trials)))
            return time.perf_counter() - start

        return (("runner", runner_side), ("peer", peer_side), ("parallel_peer", parallel_side)), "wall_s", None, setup

    def rounds(self, workload, sides, measure, floor):
        """The warm-up, then --pairs rounds of every side: one row per round."""
        if not self.a.no_warmup:
            print(f"== {workload}: warm-up", flush=True)
            for _, side in sides:
                side()
        pairs = []
        for pair in range(1, self.a.pairs + 1):
            values = {name: side() for name, side in sides}
            pairs.append(pair_row(workload, measure, pair, values, floor))
            print(f"== {workload} pair {pair}: " + ", ".join(f"{n} {v:.2f} s" for n, v in values.items())
                  + "; runner/" + ", runner/".join(f"{n} {values['runner'] / v:.3f}" for n, v in values.items()
                                                   if n != "runner"), flush=True)
        return pairs


def main():
    a = arguments()
    a.out.mkdir(parents=True, exist_ok=True)
    run_id = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    limit_args = ("--train-limit", str(a.train_limit)) if a.train_limit else ()
    malloc_defaults = runner_malloc_settings()
    # the runner's workers take these unless the environment sets them (a user's own values win)
    malloc = {k: os.environ.get(k, v) for k, v in malloc_defaults.items()}
    envs = {"runner": {**malloc, **os.environ}, "peer": dict(os.environ), "tuned_peer": {**os.environ, **malloc}}

    with tempfile.TemporaryDirectory() as workdir:
        epoch_trials = {}
        for workload in EXPERIMENTS:
            experiment = Path(workdir) / f"{workload}.yaml"
            experiment.write_text(EXPERIMENTS[workload] % a.epochs)
            epoch_trials[workload] = (experiment, plan(a.jar, experiment, limit_args)[0])
        print("== OpenBLAS check: the tuned peer's results with and without " + ", ".join(OPENBLAS_PINS), flush=True)
        check = openblas_check(Peer(True, envs["tuned_peer"], None),
                               [t for w, (_, t) in epoch_trials.items() if w not in BF16_WORKLOADS], a.threads)
        print(f"   {check['outcome']}", flush=True)
        if check["unset_for_tuned_peer"]:
            envs["tuned_peer"] = {k: v for k, v in envs["tuned_peer"].items() if k not in OPENBLAS_PINS}
        envs["parallel_peer"] = envs["tuned_peer"]
        print("== provenance: runner build, libraries, CPU; matmul rate", flush=True)
        provenance, machine = describe(a, run_id, a.jar, check, envs)
        machine["runner"]["worker_malloc_settings"] = malloc_defaults
        rate = matmul_rate(a.threads)
        machine["matmul_gflops"] = round(rate / 1e9, 2)
        machine["matmul_note"] = "1024x1024 fp32 matmul in the peer's torch, default environment: the FLOP floor's rate"
        bench = Bench(a, workdir, Peer(False, envs["peer"], a.train_limit), Peer(True, envs["tuned_peer"], a.train_limit),
                      rate)

        rows = []
        for workload in a.workloads:
            overheads = []
            if workload == "sweep":
                sides, measure, floor, setup = bench.sweep_workload(plan(a.jar, SWEEP_EXPERIMENT, limit_args), overheads)
            else:
                sides, measure, floor, setup = bench.epoch_workload(workload, *epoch_trials[workload])
            pairs = bench.rounds(workload, sides, measure, floor)
            block = pairs + statistic_rows(pairs)
            if workload == "sweep":
                overheads = overheads[-a.pairs:]  # the warm-up's excluded, like its timings
                # fractions of workers x wall time, per round
                for index, name in ((2, "runner_overhead_fraction"), (1, "idle_tail_fraction")):
                    split_rows = [{**dict.fromkeys(MEASURED), "workload": workload, "measure": name, "row": i + 1,
                                   "runner": split[index]} for i, split in enumerate(overheads)]
                    block += split_rows + statistic_rows(split_rows)
                median = [statistics.median(split[i] for split in overheads) for i in range(3)]
                print(f"   workers' time: {median[0]:.1%} in trials, {median[1]:.1%} idle at the end (no trial "
                      f"left), {median[2]:.1%} runner overhead (start, data, planning, writing) (medians)", flush=True)
            rows += [formatted(r, {**provenance, "setup": setup}) for r in block]

    kept = []  # rows of workloads not measured this time stay as they were (with their own provenance)
    if (a.out / "bench.csv").exists():
        with open(a.out / "bench.csv") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames == HEADER:
                kept = [r for r in reader if r["workload"] not in a.workloads]
            else:
                print(f"   {a.out / 'bench.csv'} has an older layout: its rows are not kept", flush=True)
    order = [*EXPERIMENTS, "sweep"]
    table = sorted(kept + rows, key=lambda r: order.index(r["workload"]))  # stable: rounds, then statistics
    write_csv(a.out / "bench.csv", HEADER, table)
    (a.out / "machine.json").write_text(json.dumps(machine, indent=2) + "\n")
    goal_rows = goals(table)
    write_csv(a.out / "goals.csv", ["goal", "value", "comparison", "target", "met", "run_id", "runner_commit",
                                     "runner_dirty", "source"], goal_rows)
    print("== goals (medians per column; " + ("SMOKE: not a measurement" if a.smoke else f"run {run_id}") + ")")
    for g in goal_rows:
        print(f"   {g['goal']}: {g['value'] or '-'} {g['comparison']} {g['target']}: {g['met']}"
              + (f" (run {g['run_id']})" if g["run_id"] and g["run_id"] != run_id else ""))
    print(f"wrote {a.out / 'bench.csv'}, {a.out / 'goals.csv'} and {a.out / 'machine.json'}")


if __name__ == "__main__":
    main()
