#!/bin/bash
# One sweep split over a Slurm job array: task i runs shard i of N (N = array size) and writes
# into the shared results directory; claim files keep a trial from running twice.
#   make build                                   # once, on a login node (needs Maven Central)
#   JOB=$(sbatch --parsable docker/slurm-array.sh)
#   sbatch --dependency=afterany:$JOB --wrap "java -jar runner/target/runner.jar report results/table1"
# Run it from the repository root, on a filesystem all nodes share. `make slurm-check` runs it
# for real on a one-node cluster (docker/slurm-check.sh).
#
# Device: on a node with a GPU (Slurm's GPU allocation, CUDA_VISIBLE_DEVICES, or nvidia-smi)
# the task trains on it with --device gpu, which fails at once rather than fall back to the CPU
# if the GPU cannot be used. The jar carries CPU natives only, so a GPU task needs a CUDA
# libtorch: either the image (SWEEPRUNNER_IMAGE=docker://sweeprunner:cuda12.8 or a .sif built
# from it, run with Apptainer) or a libtorch 2.7.1+cu128 on the node (PYTORCH_LIBRARY_PATH,
# PYTORCH_VERSION=2.7.1, PYTORCH_FLAVOR=cu128; see docker/Dockerfile). On a node without a GPU
# the task says so and trains on the CPU. (On a CPU-only cluster submit with --gres=none.)
#
# Variables: EXPERIMENT (default experiments/table1.yaml), RUNNER_JAR (default
# runner/target/runner.jar), SWEEP_ARGS (more sweep options, e.g. "--threads 4 --results DIR").
#SBATCH --job-name=sweeprunner
#SBATCH --array=1-4
#SBATCH --gres=gpu:1
#SBATCH --cpus-per-task=4
#SBATCH --time=08:00:00
#SBATCH --output=results/slurm-%A_%a.log
set -euo pipefail
EXPERIMENT=${EXPERIMENT:-experiments/table1.yaml}
RUNNER_JAR=${RUNNER_JAR:-runner/target/runner.jar}
read -r -a extra <<< "${SWEEP_ARGS:-}"

# The GPUs this task may use: Slurm's allocation first (it sets CUDA_VISIBLE_DEVICES to the
# allocated GPUs, and to nothing or NoDevFiles when none are), then whatever nvidia-smi lists.
gpu_visible() {
  if [ -n "${SLURM_JOB_GPUS:-}${SLURM_STEP_GPUS:-}" ]; then
    return 0
  fi
  if [ -n "${CUDA_VISIBLE_DEVICES+set}" ]; then
    case "$CUDA_VISIBLE_DEVICES" in
      "" | NoDevFiles | -1) return 1 ;;
      *) return 0 ;;
    esac
  fi
  command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU'
}

# --shard auto reads SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT / SLURM_ARRAY_TASK_MIN.
sweep=(sweep "$EXPERIMENT" --shard auto)
if gpu_visible; then
  if [ -n "${SWEEPRUNNER_IMAGE:-}" ]; then
    echo "slurm-array: GPU on $(hostname) (${CUDA_VISIBLE_DEVICES:-all}): the image $SWEEPRUNNER_IMAGE, --device gpu" >&2
    # the image's entrypoint picks its CUDA libtorch; its /work/results is this results folder
    srun apptainer run --nv --bind "$PWD/results:/work/results" --bind "$PWD/experiments:/work/experiments" \
      "$SWEEPRUNNER_IMAGE" "${sweep[@]}" --device gpu "${extra[@]}"
    exit
  fi
  if [ -z "${PYTORCH_LIBRARY_PATH:-}" ]; then
    echo "slurm-array: GPU on $(hostname), but no CUDA libtorch: set SWEEPRUNNER_IMAGE (the image) or" \
      "PYTORCH_LIBRARY_PATH/PYTORCH_VERSION/PYTORCH_FLAVOR (a libtorch 2.7.1+cu128); the jar's natives are CPU-only" >&2
    exit 2
  fi
  echo "slurm-array: GPU on $(hostname) (${CUDA_VISIBLE_DEVICES:-all}): libtorch from $PYTORCH_LIBRARY_PATH, --device gpu" >&2
  device=gpu
else
  echo "slurm-array: no GPU on $(hostname) (none allocated by Slurm, none listed by nvidia-smi): training on the CPU" >&2
  device=cpu
fi
srun java -Dai.djl.offline=true -jar "$RUNNER_JAR" "${sweep[@]}" --device "$device" "${extra[@]}"
