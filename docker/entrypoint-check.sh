#!/bin/bash
# Runs docker/entrypoint.sh as an unprivileged uid that is not the image's (10001), over a
# directory tree laid out like the image, and checks that a tiny sweep completes with its results
# owned by that uid and nothing written anywhere else. No Docker engine runs where the project is
# built, so this is how the container's "any uid" promise is tested (`make entrypoint-check`,
# run by .ci/run). Needs root (to switch uid) and util-linux's setpriv.
#   docker/entrypoint-check.sh [JAR]      (default runner/target/runner.jar)
#
# The tree, as in the image:
#   opt/runner/runner.jar, opt/runner/entrypoint.sh   root's, read-only
#   opt/fashion-mnist/                                the baked data set: decompressed, root's, read-only
#   work/                                             root's, not writable by the uid (the image's is 10001's)
#   work/experiments/tiny.yaml                        root's, read-only
#   work/results/                                     the mounted results folder, owned by the uid
#   tmp/                                              the container's /tmp (mode 1777)
set -euo pipefail
cd "$(dirname "$0")/.."
CHECK_UID=${CHECK_UID:-12345}
JAR=${1:-runner/target/runner.jar}
DATA=${CHECK_DATA:-/usr/share/datasets/fashion-mnist}

fail() { echo "entrypoint-check: FAILED: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "must run as root to switch to uid $CHECK_UID"
command -v setpriv >/dev/null || fail "setpriv (util-linux) is missing"
[ -f "$JAR" ] || fail "$JAR: no jar (make build)"
[ -f "$DATA/train-images-idx3-ubyte.gz" ] || fail "$DATA: no Fashion-MNIST (make dataset)"
if getent passwd "$CHECK_UID" >/dev/null; then
  fail "uid $CHECK_UID has an account here; pick a uid without one (CHECK_UID=...)"
fi

root=$(mktemp -d /tmp/entrypoint-check.XXXXXX)
# The JVM keeps its perf data in /tmp/hsperfdata_<user> whatever java.io.tmpdir says; in the
# image that is the container's /tmp. Remove it afterwards only if this run created it.
perf_dir=/tmp/hsperfdata_$CHECK_UID
[ -e "$perf_dir" ] && perf_existed=1 || perf_existed=0
cleanup() {
  rm -rf "$root"
  if [ "$perf_existed" = 0 ]; then rm -rf "$perf_dir"; fi
}
trap cleanup EXIT
chmod 755 "$root"
mkdir -p "$root/opt/runner" "$root/opt/fashion-mnist" "$root/work/experiments" "$root/work/results" "$root/tmp"
cp "$JAR" "$root/opt/runner/runner.jar"
cp docker/entrypoint.sh "$root/opt/runner/entrypoint.sh"
chmod 755 "$root/opt/runner/entrypoint.sh"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gunzip -c "$DATA/$f.gz" > "$root/opt/fashion-mnist/$f"
done
chmod 0444 "$root"/opt/fashion-mnist/*
chmod 0555 "$root/opt/fashion-mnist"
cat > "$root/work/experiments/tiny.yaml" <<'EOF'
name: tiny
description: entrypoint check, two small networks
defaults: {epochs: 1, batch_size: 64}
grid:
  - {arch: fcn, budget: [20000, 50000]}
EOF
chmod 0444 "$root/work/experiments/tiny.yaml"
chmod 1777 "$root/tmp"
chown "$CHECK_UID:$CHECK_UID" "$root/work/results"

echo "== entrypoint as uid $CHECK_UID: sweep experiments/tiny.yaml --train-limit 600 --epochs 1"
log="$root/sweep.log"
start=$(date +%s)
# env -i: only what `docker run` gives a container (PATH, no HOME for a uid without an account)
# plus the layout's roots
if ! setpriv --reuid "$CHECK_UID" --regid "$CHECK_UID" --clear-groups \
    env -i PATH="$PATH" CI=1 TMPDIR="$root/tmp" RUNNER_JAR="$root/opt/runner/runner.jar" \
      SWEEPRUNNER_WORKDIR="$root/work" FASHION_MNIST_DIR="$root/opt/fashion-mnist" \
    "$root/opt/runner/entrypoint.sh" sweep experiments/tiny.yaml --train-limit 600 --epochs 1 --no-progress \
    >"$log" 2>&1; then
  cat "$log" >&2
  fail "the sweep exited with an error"
fi
echo "   sweep took $(( $(date +%s) - start )) s"

grep -q "Fashion-MNIST: $root/opt/fashion-mnist (FASHION_MNIST_DIR)" "$log" \
  || { cat "$log" >&2; fail "the baked data set was not the one used"; }
if grep -qi "download" "$log"; then cat "$log" >&2; fail "something was downloaded"; fi
if grep -q "Picked up JAVA_TOOL_OPTIONS" "$log"; then fail "a JVM printed the JAVA_TOOL_OPTIONS banner"; fi
trials="$root/work/results/tiny/trials.csv"
[ -f "$trials" ] || { cat "$log" >&2; fail "no $trials"; }
completed=$(grep -c ',completed$' "$trials" || true)
[ "$completed" = 2 ] || { cat "$trials" >&2; fail "expected 2 completed trials in trials.csv, found $completed"; }
foreign=$(find "$root/work/results" ! -user "$CHECK_UID" -print)
[ -z "$foreign" ] || fail "results not owned by uid $CHECK_UID: $foreign"
# Nothing the uid wrote lies outside the results folder and /tmp: search the whole file system.
outside=$(find / -xdev \( -path /proc -o -path "$root/work/results" -o -path "$root/tmp" -o -path "$perf_dir" \) \
  -prune -o -user "$CHECK_UID" -print 2>/dev/null || true)
[ -z "$outside" ] || fail "uid $CHECK_UID wrote outside results/ and /tmp: $outside"
echo "entrypoint-check: OK: 2 trials completed as uid $CHECK_UID, $(find "$root/work/results" -type f | wc -l) result files all theirs, data set read from the baked folder, nothing written outside results/ and /tmp"
