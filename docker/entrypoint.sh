#!/bin/sh
# Uses the image's libtorch cu128 when a GPU is visible; otherwise falls back to the CPU
# natives inside the jar (and says so), so the same image also runs on a machine without GPUs.
set -eu
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
  echo "entrypoint: GPU visible ($(nvidia-smi -L | head -n 1)); libtorch ${PYTORCH_VERSION}+${PYTORCH_FLAVOR} from ${PYTORCH_LIBRARY_PATH}" >&2
else
  echo "entrypoint: no GPU visible (run with --gpus all?); using the CPU natives bundled in the jar" >&2
  unset PYTORCH_LIBRARY_PATH PYTORCH_FLAVOR PYTORCH_VERSION
fi
# the coordinating JVM plans, dispatches and draws charts: the quick JIT tier suffices (see the
# Makefile); worker JVMs it starts train with the full JIT
exec java -XX:TieredStopAtLevel=1 -jar /opt/runner/runner.jar "$@"
