#!/usr/bin/env bash
# Compares builds of the benchmark on one scenario: builds each git revision in a temporary worktree (Release), then
# runs them in turn on one throwaway PostgreSQL server (fsync on), each run in a fresh database that is dropped after
# it, with a checkpoint before the next, and the order of the builds turned each round. Prints every run's figures and
# the median of each build.
# Usage: bench/compare-builds.sh ROUNDS REV [REV...] -- <MachineGrid.Bench arguments without --storage/--postgres>
#   e.g. bench/compare-builds.sh 3 main HEAD -- lifecycle --mode inproc --concurrency 1000 --runs 20000 --warmup 60000
#        bench/compare-builds.sh 3 main HEAD -- burst --runs 1000 --machines 50 --warmup 30000
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=$1
shift
revs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do revs+=("$1"); shift; done
[ $# -gt 0 ] && shift
[ ${#revs[@]} -ge 1 ] && [ $# -ge 1 ] || { sed -n 2,8p "$0"; exit 2; }

source bench/throwaway-postgres.sh
dir=$(mktemp -d /tmp/machinegrid-builds-XXXX)
cleanup() {
  pg_stop
  for k in "${!revs[@]}"; do git worktree remove --force "$dir/build$k" >/dev/null 2>&1 || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

dlls=()
for k in "${!revs[@]}"; do
  git worktree add -q --detach "$dir/build$k" "${revs[$k]}"
  dotnet build "$dir/build$k/bench/MachineGrid.Bench" -c Release -warnaserror 2>&1 | tail -n 1
  dlls+=("$dir/build$k/bench/MachineGrid.Bench/bin/Release/net10.0/MachineGrid.Bench.dll")
done

pg_start "$dir"
echo "warm-up run of ${revs[0]} (unrecorded)"
pg_warm_up dotnet "${dlls[0]}" "$@" --storage postgres --postgres

results="$dir/results.tsv"
: >"$results"
n=0
for round in $(seq 1 "$rounds"); do
  for k in "${!revs[@]}"; do
    b=$(( (k + round - 1) % ${#revs[@]} ))
    n=$((n + 1))
    cs=$(pg_fresh_database "run$n")
    line=$(dotnet "${dlls[$b]}" "$@" --storage postgres --postgres "$cs" | grep '^{"scenario"' | tail -n 1)
    pg_drop_database "run$n"
    record_run "$results" "$round" "${revs[$b]}" "$line"
  done
done

python3 - "$results" <<'PY'
import statistics, sys
sys.dont_write_bytecode = True
sys.path.insert(0, "bench")
from compare_results import load
by = load(sys.argv[1])
for rev, rs in by.items():
    fields = [k for k in ("runsPerSecond", "assignP99Ms", "handoffP50Ms", "handoffP99Ms") if k in rs[0]]
    print(f"{rev:20} " + "; ".join(f"{k} median {statistics.median(r[k] for r in rs):.1f} ({', '.join(f'{r[k]:.1f}' for r in rs)})" for k in fields))
PY
