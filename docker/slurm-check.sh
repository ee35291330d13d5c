#!/bin/bash
# Runs docker/slurm-array.sh for real: installs Debian's slurm-wlm and munge (root), starts a
# one-node Slurm cluster on this machine (localhost only, its configuration and state in a
# temporary folder, nothing in /etc/slurm), submits the array over a tiny experiment with sbatch,
# waits for it and for the dependent report job, and checks that the merged trials.csv equals
# a one-shot sweep's over the same trials. The daemons it started are stopped at the end, also
# on failure. `make slurm-check`; run by .ci/run.
#   docker/slurm-check.sh [JAR]      (default runner/target/runner.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
JAR=$(realpath "${1:-runner/target/runner.jar}")
SHARDS=2
# Both the shards and the one-shot sweep train with one intra-op thread per trial: results on
# the CPU are bit-identical for the same seed and thread count, not across thread counts.
SWEEP_ARGS="--threads 1 --train-limit 3000 --epochs 1 --no-progress"
WAIT_SECONDS=${SLURM_CHECK_WAIT_SECONDS:-600}

fail() { echo "slurm-check: FAILED: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "must run as root (it installs packages and starts the Slurm and munge daemons)"
[ -f "$JAR" ] || fail "$JAR: no jar (make build)"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  echo "== installing slurm-wlm munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q slurm-wlm munge >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q slurm-wlm munge >/dev/null; }
fi
for port in 6817 6818; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is in use (another Slurm daemon?): this check starts its own cluster"
  fi
done

T=$(mktemp -d /tmp/slurm-check.XXXXXX)
chmod 755 "$T"
mkdir -p "$T/state" "$T/spool" "$T/logs"
started_munged=0
cleanup() {
  local pidfile
  for pidfile in "$T/slurmd.pid" "$T/slurmctld.pid"; do
    if [ -s "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
  done
  # give them a moment to exit before their folder goes
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    if ! { [ -s "$T/slurmd.pid" ] && kill -0 "$(cat "$T/slurmd.pid")" 2>/dev/null; } \
        && ! { [ -s "$T/slurmctld.pid" ] && kill -0 "$(cat "$T/slurmctld.pid")" 2>/dev/null; }; then
      break
    fi
    sleep 0.5
  done
  if [ "$started_munged" = 1 ] && [ -s /run/munge/munged.pid ]; then
    kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
  fi
  rm -rf "$T"
}
trap cleanup EXIT
begin=$(date +%s)

echo "== munge"
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  echo "   munged already runs: using it"
else
  mkdir -p /run/munge
  chown munge:munge /run/munge
  [ -s /etc/munge/munge.key ] || runuser -u munge -- /usr/sbin/mungekey --create
  runuser -u munge -- /usr/sbin/munged
  started_munged=1
  munge -n | unmunge >/dev/null || fail "munged does not answer"
fi

echo "== slurm (one node, localhost)"
host=$(hostname -s)
cpus=$(nproc)
memory_mb=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 * 8 / 10 ))
export SLURM_CONF="$T/slurm.conf"
# No cgroups here: Linux process tracking, no task binding, no accounting.
cat > "$SLURM_CONF" <<EOF
ClusterName=sweeprunner-check
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/logs/slurmctld.log
SlurmdLogFile=$T/logs/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 60); do
  state=$(sinfo -h -o %T 2>/dev/null | head -n 1 || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || { tail -n 20 "$T"/logs/*.log >&2; fail "the node is not idle (sinfo: '$state')"; }
echo "   node $host idle: $cpus CPUs"

cat > "$T/tiny.yaml" <<'EOF'
name: slurm-check
description: make slurm-check, four small networks over two array tasks
defaults: {epochs: 1, batch_size: 64}
grid:
  - {arch: fcn, budget: [20000, 50000]}
  - {arch: cnn, budget: [5000, 10000], conv_blocks: 2}
EOF

echo "== sbatch --array=1-$SHARDS docker/slurm-array.sh"
# No GPU gres on this node: --gres=none overrides the script's --gres=gpu:1.
array=$(EXPERIMENT="$T/tiny.yaml" RUNNER_JAR="$JAR" SWEEP_ARGS="--results $T/sharded $SWEEP_ARGS" \
  sbatch --parsable --array=1-"$SHARDS" --gres=none --cpus-per-task=1 --chdir="$REPO" \
    --output="$T/logs/array-%A_%a.log" docker/slurm-array.sh)
report=$(sbatch --parsable --dependency=afterany:"$array" --output="$T/logs/report-%j.log" --chdir="$REPO" \
  --wrap "java -Dai.djl.offline=true -jar '$JAR' report '$T/sharded'")
echo "   array job $array, report job $report (afterany)"

# Every state of a job (one line per array task) until none is pending or running.
states() { scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
deadline=$(( $(date +%s) + WAIT_SECONDS ))
while states "$array" | grep -qE 'PENDING|RUNNING|CONFIGURING|COMPLETING' \
    || states "$report" | grep -qE 'PENDING|RUNNING|CONFIGURING|COMPLETING'; do
  if [ "$(date +%s)" -gt "$deadline" ]; then
    squeue >&2 || true
    tail -n 20 "$T"/logs/*.log >&2
    fail "jobs not done after $WAIT_SECONDS s"
  fi
  sleep 1
done
slurm_seconds=$(( $(date +%s) - begin ))
array_states=$(states "$array" | sort | uniq -c | tr -s ' ' | tr '\n' ' ')
report_state=$(states "$report")
echo "   array: $array_states; report: $report_state ($slurm_seconds s since the cluster started)"
if states "$array" | grep -qv COMPLETED || [ "$report_state" != COMPLETED ]; then
  for log in "$T"/logs/array-*.log "$T"/logs/report-*.log; do echo "--- $log" >&2; cat "$log" >&2; done
  fail "a job did not complete"
fi
logs=("$T"/logs/array-*.log)
[ "${#logs[@]}" = "$SHARDS" ] || fail "expected $SHARDS array task logs, found ${#logs[@]}"
for log in "${logs[@]}"; do
  grep -q "slurm-array: no GPU on .*: training on the CPU" "$log" \
    || { cat "$log" >&2; fail "$log: the task did not say it trains on the CPU"; }
  grep -qE "Running [0-9]+ trial" "$log" || { cat "$log" >&2; fail "$log: the task ran no trial"; }
done

echo "== one-shot sweep over the same trials ($SWEEP_ARGS)"
# shellcheck disable=SC2086 # SWEEP_ARGS is a list of words
java -Dai.djl.offline=true -XX:TieredStopAtLevel=1 -jar "$JAR" sweep "$T/tiny.yaml" --results "$T/oneshot" \
  $SWEEP_ARGS > "$T/logs/oneshot.log" 2>&1 || { cat "$T/logs/oneshot.log" >&2; fail "the one-shot sweep failed"; }

echo "== merged trials.csv vs the one-shot sweep's"
# Every column but the wall time must agree, row for row.
python3 - "$T/sharded/trials.csv" "$T/oneshot/trials.csv" <<'EOF' || fail "the merged trials.csv differs from the one-shot sweep's"
import csv, sys
TIMING = {"training_time_s"}
def rows(path):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, sorted((dict(r) for r in reader), key=lambda r: r["trial_id"])
merged_columns, merged = rows(sys.argv[1])
oneshot_columns, oneshot = rows(sys.argv[2])
if merged_columns != oneshot_columns:
    sys.exit(f"columns differ: {merged_columns} vs {oneshot_columns}")
compared = [c for c in merged_columns if c not in TIMING]
if len(merged) != len(oneshot) or len(merged) != 4:
    sys.exit(f"expected 4 trials in both, got {len(merged)} merged and {len(oneshot)} one-shot")
bad = 0
for a, b in zip(merged, oneshot):
    for c in compared:
        if a[c] != b[c]:
            print(f"  trial {a['trial_id']}: {c} merged {a[c]} one-shot {b[c]}", file=sys.stderr)
            bad += 1
    if a["status"] != "completed":
        print(f"  trial {a['trial_id']}: status {a['status']}", file=sys.stderr)
        bad += 1
if bad:
    sys.exit(1)
print(f"   {len(merged)} trials equal on {len(compared)} of {len(merged_columns)} columns "
      f"(all but {', '.join(sorted(TIMING))}); test_acc " + ", ".join(r["test_acc"] for r in merged))
EOF
echo "slurm-check: OK in $(( $(date +%s) - begin )) s (Slurm part $slurm_seconds s)"
