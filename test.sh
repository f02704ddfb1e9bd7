#!/usr/bin/env bash
# Installs what the tests need when it is missing, builds, and runs every test project.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
# The dashboard tests drive Debian's Chromium with Playwright (which cannot download browsers here).
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

dotnet build MachineGrid.sln -c Release -warnaserror 2>&1 | tail -n 3

# Projects whose tests run clusters of silo processes or three-silo test clusters run one at a time, after the
# others (which run in parallel): on a small machine they would otherwise starve the rest of CPU.
cluster_projects=(tests/Cluster.Tests/Cluster.Tests.csproj tests/Silo.Tests/Silo.Tests.csproj tests/Failover.Tests/Failover.Tests.csproj)
others=()
for project in tests/*/*.Tests.csproj; do
  [[ " ${cluster_projects[*]} " == *" $project "* ]] || others+=("\"$project\"")
done
filter=$(mktemp --suffix=.slnf -p .)
trap 'rm -f "$filter"' EXIT
printf '{"solution":{"path":"MachineGrid.sln","projects":[%s]}}\n' "$(IFS=,; echo "${others[*]}")" >"$filter"

log=$(mktemp)
status=0
dotnet test "$filter" -c Release --no-build --blame-hang-timeout 5m 2>&1 | tee "$log" || status=$?
for project in "${cluster_projects[@]}"; do
  dotnet test "$project" -c Release --no-build --blame-hang-timeout 5m 2>&1 | tee -a "$log" || status=$?
done

passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
