#!/usr/bin/env python3
"""`make asha-saving`: what ASHA saves on a fixed set of configurations.

Runs experiments/asha-saving-full.yaml (27 configurations, every one to 27 epochs) and
experiments/asha-saving.yaml (the same ones under ASHA, rungs 1, 3, 9, 27, reduction 3), both with
the same --train-limit and workers, each into a fresh results directory, and measures each sweep's
CPU time (user + system of the sweep and its worker JVMs, from the kernel's accounting of waited-for
children: unlike wall time it does not grow when something else shares the cores) and wall time.
Then compares the best validation accuracy each reached (the objective ASHA ranks by; the test set
is only reported). Writes results/asha-saving/saving.csv and prints a summary.
"""
import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNNER_JAVA = ["java", "-Dai.djl.offline=true", "-XX:TieredStopAtLevel=1", "-jar"]


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sweep(jar, experiment, results, train_limit, workers):
    before_cpu, before_wall = cpu_seconds(), time.perf_counter()
    subprocess.run([*RUNNER_JAVA, str(jar), "sweep", str(experiment), "--results", str(results), "--fresh",
                    "--no-progress", "--train-limit", str(train_limit), "--workers", str(workers)],
                   check=True, stdout=subprocess.DEVNULL)
    return cpu_seconds() - before_cpu, time.perf_counter() - before_wall


def best(results):
    """Best validation accuracy over every trial's epochs, its trial, the epochs trained in all and the
    trials' training time x threads (training alone: no JVM start, no report)."""
    top, top_trial, top_test, epochs, training = -1.0, None, None, 0, 0.0
    for trial_json in sorted((results / "trials").glob("*/trial.json")):
        trial = json.loads(trial_json.read_text())
        training += trial["training_time_s"] * trial["provenance"]["intra_op_threads"]
        with open(trial_json.parent / "epochs.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        epochs += len(rows)
        for row in rows:
            if float(row["val_acc"]) > top:
                top, top_trial, top_test = float(row["val_acc"]), trial, float(row["test_acc"])
    config = top_trial["config"]
    label = f"lr {config['lr']} dropout {config['dropout']} batch {config['batch_size']}"
    return top, label, top_test, epochs, training


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", default=ROOT / "runner/target/runner.jar", type=Path)
    parser.add_argument("--train-limit", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=ROOT / "results/asha-saving", type=Path)
    args = parser.parse_args()
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    rows = []
    for name, experiment in (("all to the end", "asha-saving-full.yaml"), ("ASHA", "asha-saving.yaml")):
        results = args.out / experiment.removesuffix(".yaml")
        cpu, wall = sweep(args.jar, ROOT / "experiments" / experiment, results, args.train_limit, args.workers)
        val, label, test, epochs, training = best(results)
        rows.append({"run": name, "experiment": f"experiments/{experiment}", "cpu_s": round(cpu, 1),
                     "wall_s": round(wall, 1), "training_thread_s": round(training, 1), "epochs_trained": epochs, "best_val_acc": val,
                     "best_configuration": label, "its_test_acc": test, "train_limit": args.train_limit,
                     "workers": args.workers, "build": commit})
        print(f"{name}: {cpu:.1f} s CPU, {wall:.1f} s wall, {epochs} epochs; best val_acc {val:.4f} ({label})",
              flush=True)
    full, asha = rows
    for row in rows:
        row["cpu_fraction_of_full"] = round(row["cpu_s"] / full["cpu_s"], 3)
    with open(args.out / "saving.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    same = asha["best_val_acc"] == full["best_val_acc"]
    print(f"ASHA: {asha['cpu_fraction_of_full']:.1%} of the CPU time of running all to the end; best val_acc "
          f"{'the same' if same else 'different'} ({asha['best_val_acc']:.4f} vs {full['best_val_acc']:.4f})")
    return 0 if same and asha["cpu_fraction_of_full"] <= 1 / 3 else 1


if __name__ == "__main__":
    sys.exit(main())
