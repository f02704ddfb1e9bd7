#!/usr/bin/env bash
# Runs lifecycle benchmarks side by side on one throwaway PostgreSQL server (fsync on), three rounds, each run in a
# fresh database that is dropped after it, in an order that turns each round; prints every JSON result and the medians
# per mode.
# Usage: bench/compare-lifecycle.sh [runs] [warmup] [mode...]
#   modes: baseline (plain PostgreSQL queue, 8 submitters), inproc (1,000 in flight), http (200 in flight),
#          cluster-N (N silo processes over HTTP, 60 in flight); inproc-sqlite and http-sqlite are inproc and http
#          on a SQLite file in a temporary folder instead. Default: baseline inproc http inproc-sqlite http-sqlite.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20000}
warmup=${2:-60000}
shift $(( $# < 2 ? $# : 2 ))
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(baseline inproc http inproc-sqlite http-sqlite)
bench=bench/MachineGrid.Bench/bin/Release/net10.0/MachineGrid.Bench.dll
dotnet build bench/MachineGrid.Bench -c Release -warnaserror 2>&1 | tail -n 1

source bench/throwaway-postgres.sh
dir=$(mktemp -d /tmp/machinegrid-compare-XXXX)
trap 'pg_stop; rm -rf "$dir"' EXIT
pg_start "$dir"
echo "warm-up run, inproc (unrecorded)"
pg_warm_up dotnet "$bench" lifecycle --mode inproc --concurrency 1000 --groups 20 --machines-per-group 50 --runs "$runs" \
  --warmup "$warmup" --storage postgres --postgres

results="$dir/results.tsv"
: >"$results"
n=0
for round in 1 2 3; do
  # Each round starts with a different mode, so no mode always runs first (or always after the same one).
  for k in "${!modes[@]}"; do
    mode=${modes[$(( (k + round - 1) % ${#modes[@]} ))]}
    n=$((n + 1))
    cs=$(pg_fresh_database "run$n")
    store=(--storage postgres --postgres "$cs")
    case $mode in
      baseline) extra=(--mode baseline --concurrency 8) ;;
      inproc) extra=(--mode inproc --concurrency 1000) ;;
      http) extra=(--mode http --concurrency 200) ;;
      inproc-sqlite) extra=(--mode inproc --concurrency 1000); store=(--storage sqlite) ;;
      http-sqlite) extra=(--mode http --concurrency 200); store=(--storage sqlite) ;;
      cluster-*) extra=(--mode cluster --silos "${mode#cluster-}" --concurrency 60) ;;
      *) echo "unknown mode $mode" >&2; exit 2 ;;
    esac
    line=$(dotnet "$bench" lifecycle "${extra[@]}" "${store[@]}" --groups 20 --machines-per-group 50 \
      --runs "$runs" --warmup "$warmup" | grep "^{\"scenario\"" | tail -n 1)
    pg_drop_database "run$n"
    record_run "$results" "$round" "$mode" "$line"
  done
done

python3 - "$results" <<'PY'
import statistics, sys
sys.dont_write_bytecode = True
sys.path.insert(0, "bench")
from compare_results import load
by = load(sys.argv[1])
med = lambda rs, k: statistics.median(r[k] for r in rs)
base = med(by["baseline"], "runsPerSecond") if "baseline" in by else None
for mode, rs in by.items():
    rate = med(rs, "runsPerSecond")
    text = f"{mode:10} median {rate:8.1f} runs/s"
    if base:
        # The ratio of the medians, and each round against the baseline run beside it (the machine's speed drifts).
        paired = [r["runsPerSecond"] / b["runsPerSecond"] for r, b in zip(rs, by["baseline"])]
        text += f" ({rate / base:4.2f}x baseline; by round {', '.join(f'{x:.2f}' for x in paired)}x, median {statistics.median(paired):.2f}x)"
    text += f", assignment p99 {med(rs, 'assignP99Ms'):.1f} ms"
    if "siloCpuMsPerRun" in rs[0]:
        text += (f", CPU per lifecycle: silos {med(rs, 'siloCpuMsPerRun'):.2f} ms, driver {med(rs, 'driverCpuMsPerRun'):.2f} ms,"
                 f" PostgreSQL {med(rs, 'postgresCpuMsPerRun'):.2f} ms; messages per lifecycle {med(rs, 'remoteMessagesPerRun'):.1f} between silos,"
                 f" {med(rs, 'localMessagesPerRun'):.1f} within")
    print(text)
PY
