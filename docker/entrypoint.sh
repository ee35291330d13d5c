#!/bin/sh
# The image's entrypoint. It runs as any uid: the image's own user (10001), the caller's
# (`make docker-sweep` passes --user "$(id -u):$(id -g)"), or a pod's runAsUser. Such a uid may
# have no entry in /etc/passwd and no writable home, and /work is not its own. So the runner
# writes only to the results folder (results/ under the working directory, which the caller
# mounts) and to temporary files under $TMPDIR (the container's /tmp, gone with the container):
# DJL's native-library cache, the runner's cache (decompressed data, worker class archives),
# Java's user.home. Fashion-MNIST is baked into the image, read-only for everyone (Dockerfile),
# so no run downloads it; FASHION_MNIST_DIR pointing at a mounted folder replaces it.
#
# Every root path is a variable, with the image's layout as the default, so that
# docker/entrypoint-check.sh can run this script over a copy of that layout as another uid.
#
# Uses the image's libtorch cu128 when a GPU is visible; otherwise falls back to the CPU
# natives inside the jar (and says so), so the same image also runs on a machine without GPUs.
set -eu
RUNNER_JAR=${RUNNER_JAR:-/opt/runner/runner.jar}
SWEEPRUNNER_WORKDIR=${SWEEPRUNNER_WORKDIR:-/work}
export FASHION_MNIST_DIR="${FASHION_MNIST_DIR:-/opt/fashion-mnist}"
export TMPDIR="${TMPDIR:-/tmp}"

# One private scratch folder per uid: two uids sharing a container's /tmp never collide.
scratch="$TMPDIR/sweeprunner-$(id -u)"
mkdir -p "$scratch"
chmod 700 "$scratch"
if [ -z "${HOME:-}" ] || [ "${HOME:-}" = / ] || ! [ -w "$HOME" ]; then
  export HOME="$scratch/home"
  mkdir -p "$HOME"
fi
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$scratch/djl}"
export ENGINE_CACHE_DIR="${ENGINE_CACHE_DIR:-$DJL_CACHE_DIR}"
export SWEEPRUNNER_CACHE_DIR="${SWEEPRUNNER_CACHE_DIR:-$scratch/cache}"

if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
  echo "entrypoint: GPU visible ($(nvidia-smi -L | head -n 1)); libtorch ${PYTORCH_VERSION:-}+${PYTORCH_FLAVOR:-} from ${PYTORCH_LIBRARY_PATH:-}" >&2
else
  echo "entrypoint: no GPU visible (run with --gpus all?); using the CPU natives bundled in the jar" >&2
  unset PYTORCH_LIBRARY_PATH PYTORCH_FLAVOR PYTORCH_VERSION
fi

cd "$SWEEPRUNNER_WORKDIR"
# Options go on the command line, not in JAVA_TOOL_OPTIONS, which makes every JVM (each worker
# too) print "Picked up JAVA_TOOL_OPTIONS". Java takes user.home from /etc/passwd, not $HOME.
# The coordinating JVM plans, dispatches and draws charts: the quick JIT tier suffices (see the
# Makefile); worker JVMs it starts train with the full JIT.
exec java -Djava.awt.headless=true -Duser.home="$HOME" -Djava.io.tmpdir="$TMPDIR" \
  -XX:TieredStopAtLevel=1 -jar "$RUNNER_JAR" "$@"
