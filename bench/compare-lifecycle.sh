#!/usr/bin/env bash
# Run lifecycles of the Orleans build (in-process and over HTTP) and the plain PostgreSQL queue baseline side by side,
# on one throwaway PostgreSQL server (fsync on), three rounds, each run in a fresh database; prints every JSON result
# and the medians. Usage: bench/compare-lifecycle.sh [runs] [warmup]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20000}
warmup=${2:-5000}
bench=bench/MachineGrid.Bench/bin/Release/net10.0/MachineGrid.Bench.dll
dotnet build bench/MachineGrid.Bench -c Release -warnaserror 2>&1 | tail -n 1

pg=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$(mktemp -d /tmp/machinegrid-compare-XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg=()
[ "$(id -u)" -eq 0 ] && { chown postgres "$dir"; as_pg=(runuser -u postgres --); }
"${as_pg[@]}" "$pg/initdb" -D "$dir/data" -U postgres -A trust >/dev/null
"${as_pg[@]}" "$pg/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c max_connections=200 -c fsync=on" -l "$dir/log" -w start >/dev/null
trap '"${as_pg[@]}" "$pg/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null; rm -rf "$dir"' EXIT

results="$dir/results.jsonl"
: >"$results"
n=0
for round in 1 2 3; do
  for mode in baseline inproc http; do
    n=$((n + 1))
    "${as_pg[@]}" "$pg/psql" -h "$dir" -p "$port" -U postgres -qc "create database run$n" >/dev/null
    cs="Host=127.0.0.1;Port=$port;Username=postgres;Database=run$n;Maximum Pool Size=32"
    case $mode in
      baseline) extra=(--concurrency 8) ;;
      inproc) extra=(--concurrency 1000) ;;
      http) extra=(--concurrency 60) ;;
    esac
    line=$(dotnet "$bench" lifecycle --mode "$mode" --storage postgres --postgres "$cs" --groups 20 --machines-per-group 50 \
      --runs "$runs" --warmup "$warmup" "${extra[@]}" | grep "^{\"scenario\"" | tail -n 1)
    echo "round $round $mode: $line"
    echo "$line" >>"$results"
  done
done

python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in rows:
    by.setdefault(r["mode"], []).append(r)
base = statistics.median(r["runsPerSecond"] for r in by["baseline"])
for mode, rs in by.items():
    rate = statistics.median(r["runsPerSecond"] for r in rs)
    p99 = statistics.median(r["assignP99Ms"] for r in rs)
    print(f"{mode:9} median {rate:8.1f} runs/s ({rate / base:4.2f}x baseline), assignment p99 {p99:.1f} ms")
PY
