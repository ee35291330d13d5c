#!/bin/bash
# One sweep split over a Slurm job array: task i runs shard i of N (N = array size) and writes
# into the shared results directory; claim files keep a trial from running twice.
#   make build                                   # once, on a login node (needs Maven Central)
#   JOB=$(sbatch --parsable docker/slurm-array.sh)
#   sbatch --dependency=afterany:$JOB --wrap "java -jar runner/target/runner.jar report results/table1"
# Run it from the repository root, on a filesystem all nodes share.
#SBATCH --job-name=sweeprunner
#SBATCH --array=1-4
#SBATCH --gres=gpu:1
#SBATCH --cpus-per-task=4
#SBATCH --time=08:00:00
#SBATCH --output=results/slurm-%A_%a.log
set -euo pipefail
EXPERIMENT=${EXPERIMENT:-experiments/table1.yaml}
# --shard auto reads SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT / SLURM_ARRAY_TASK_MIN.
# On a GPU node without CUDA natives in the jar, point DJL at a libtorch 2.7.1+cu128 first
# (PYTORCH_LIBRARY_PATH, PYTORCH_VERSION=2.7.1, PYTORCH_FLAVOR=cu128; see docker/Dockerfile),
# or run the image: srun apptainer run --nv docker://sweeprunner:cuda12.8 sweep ...
srun java -jar runner/target/runner.jar sweep "$EXPERIMENT" --shard auto
