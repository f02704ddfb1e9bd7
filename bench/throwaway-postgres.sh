# Sourced by the comparison scripts: one throwaway PostgreSQL server (fsync on) in a folder, a fresh database per
# benchmark run that is dropped after it.
#   pg_start DIR            starts a server with its data in DIR/data (DIR must exist)
#   pg_stop                 stops it at once
#   pg_fresh_database NAME  creates the database; prints its connection string
#   pg_drop_database NAME   drops it and checkpoints: a finished run's database would otherwise be vacuumed, and its
#                           writes checkpointed, during the next run, so each run starts on a quiet server
#   pg_warm_up CMD...       runs CMD once, unrecorded, on a fresh database given as its last argument: the first run on
#                           a freshly started server was 3-7 times slower here than the next (docs/benchmarks.md)

as_pg=()
pg_bin=""

pg_start() {
  pg_dir=$1
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$pg_dir/data"
  [ "$(id -u)" -eq 0 ] && { chown postgres "$pg_dir" "$pg_dir/data"; as_pg=(runuser -u postgres --); }
  "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust >/dev/null
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -o "-p $pg_port -k $pg_dir -c max_connections=200 -c fsync=on" \
    -l "$pg_dir/log" -w start >/dev/null
}

pg_stop() {
  [ -n "$pg_bin" ] || return 0
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
}

pg_psql() {
  "${as_pg[@]}" "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -U postgres -q "$@"
}

pg_fresh_database() {
  pg_psql -c "create database $1" >/dev/null
  echo "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$1;Maximum Pool Size=32"
}

pg_drop_database() {
  pg_psql -c "drop database $1 with (force)" -c "checkpoint" >/dev/null
}

pg_warm_up() {
  local cs
  cs=$(pg_fresh_database warmup)
  "$@" "$cs" >/dev/null
  pg_drop_database warmup
}

# record_run RESULTS ROUND LABEL LINE: prints a run's JSON line and appends it to the results file that
# bench/compare_results.py reads.
record_run() {
  echo "round $2 $3: $4"
  printf '%s\t%s\n' "$3" "$4" >>"$1"
}
