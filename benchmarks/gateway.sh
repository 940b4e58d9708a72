#!/usr/bin/env bash
# The gateway benchmark (issue 8): benchmarks/gateway.sh [--subscribers S] [--jobs N] [--creates M]
#
# Builds the project jar and this module, then runs GatewayLoad, which starts the measured GatewayServer JVM
# (simulator + client + gateway) pinned to CPU 0 and drives it from its own JVM on CPU 1: events per second
# delivered to S feed subscribers, heap per watched job and per idle SSE subscriber. Writes
# results/gateway.json (results/GATEWAY.md reads it). Only the processes this script starts are ever stopped.
set -euo pipefail

SUBSCRIBERS=10000; JOBS=10000; CREATES=100
while [ $# -gt 0 ]; do
  case "$1" in
    --subscribers) SUBSCRIBERS="${2:?}"; shift 2 ;;
    --jobs) JOBS="${2:?}"; shift 2 ;;
    --creates) CREATES="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
mkdir -p "$HERE/results"
JAVA="$(command -v java)"
if [ "$(nproc --all)" -ge 2 ] && command -v taskset >/dev/null; then
  PIN_SERVER="taskset -c 0"; PIN_LOAD=(taskset -c 1)
else
  PIN_SERVER=""; PIN_LOAD=()
fi

echo "== building (project jar, then the benchmarks module)"
(cd "$ROOT" && mvn -B -q -DskipTests install)
(cd "$HERE" && mvn -B -q compile)
CP="$HERE/target/classes:$(cat "$HERE/target/classpath.txt")"

echo "== measuring: $SUBSCRIBERS subscribers, $JOBS watched jobs, $CREATES created jobs"
"${PIN_LOAD[@]}" "$JAVA" -XX:+UseG1GC -Xmx3g -cp "$CP" dev.agentjobs.bench.GatewayLoad \
  --subscribers "$SUBSCRIBERS" --jobs "$JOBS" --creates "$CREATES" --pin "$PIN_SERVER" \
  --out "$HERE/results/gateway.json"
echo "== wrote $HERE/results/gateway.json"
