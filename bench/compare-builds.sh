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

dir=$(mktemp -d /tmp/machinegrid-builds-XXXX)
pg=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg=()
cleanup() {
  "${as_pg[@]}" "$pg/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
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

mkdir "$dir/data"
[ "$(id -u)" -eq 0 ] && { chown postgres "$dir" "$dir/data"; as_pg=(runuser -u postgres --); }
"${as_pg[@]}" "$pg/initdb" -D "$dir/data" -U postgres -A trust >/dev/null
"${as_pg[@]}" "$pg/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c max_connections=200 -c fsync=on" -l "$dir/log" -w start >/dev/null
psql_pg() { "${as_pg[@]}" "$pg/psql" -h "$dir" -p "$port" -U postgres -q "$@"; }

results="$dir/results.tsv"
: >"$results"
n=0
for round in $(seq 1 "$rounds"); do
  for k in "${!revs[@]}"; do
    b=$(( (k + round - 1) % ${#revs[@]} ))
    n=$((n + 1))
    psql_pg -c "create database run$n" >/dev/null
    cs="Host=127.0.0.1;Port=$port;Username=postgres;Database=run$n;Maximum Pool Size=32"
    line=$(dotnet "${dlls[$b]}" "$@" --storage postgres --postgres "$cs" | grep '^{"scenario"' | tail -n 1)
    psql_pg -c "drop database run$n with (force)" -c "checkpoint" >/dev/null
    echo "round $round ${revs[$b]}: $line"
    printf '%s\t%s\n' "${revs[$b]}" "$line" >>"$results"
  done
done

python3 - "$results" <<'PY'
import json, statistics, sys
by = {}
for l in open(sys.argv[1]):
    rev, js = l.rstrip("\n").split("\t", 1)
    by.setdefault(rev, []).append(json.loads(js))
for rev, rs in by.items():
    fields = [k for k in ("runsPerSecond", "assignP99Ms", "handoffP50Ms", "handoffP99Ms") if k in rs[0]]
    print(f"{rev:20} " + "; ".join(f"{k} median {statistics.median(r[k] for r in rs):.1f} ({', '.join(f'{r[k]:.1f}' for r in rs)})" for k in fields))
PY
