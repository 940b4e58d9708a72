#!/usr/bin/env bash
# Runs the agentjobs benchmarks (issues 4 and 7): benchmarks/run.sh [--quick | --fanout] [--out FILE.json]
#
# Builds the project jar and this module, starts the simulator JVM pinned to CPU 1, then runs every
# implementation in a fresh client JVM pinned to CPU 0, interleaved (A B C D E, A B C D E, ...), for
# each N, several rounds; then the economy scenario; then the report (medians, Markdown, chart).
# --fanout runs the fan-out scenario instead: 10,000 prompts with the SQLite ledger and the in-memory one,
# interleaved, 3 rounds. Maven honours MAVEN_OPTS (e.g. -Dmaven.repo.local=DIR for a private repository).
# Output: results-X.json with RESULTS-X.md, chart-X.png and runs-X.jsonl beside it (X: full run none, --quick
# "quick", --fanout "fanout"); --out DIR/results-Y.json writes DIR/RESULTS-Y.md, DIR/chart-Y.png, DIR/runs-Y.jsonl.
# Only the processes this script starts are ever stopped.
set -euo pipefail

QUICK=0
FANOUT=0
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; shift ;;
    --fanout) FANOUT=1; shift ;;
    --out) OUT="${2:?--out needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (use --quick, --fanout, --out FILE.json)" >&2; exit 2 ;;
  esac
done

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
IMPLS=(agentjobs agentjobs-adaptive raw-netty azure-poller virtual-threads virtual-threads-tuned threads)
MIN_WINDOW_INTERVALS=0
if [ "$FANOUT" = 1 ]; then
  MODE=fanout; NS=(0); ROUNDS=3; WARMUP_S=0; WINDOW_S=0
  FANOUT_PROMPTS="${BENCH_PROMPTS:-10000}"   # BENCH_CREATES_IN_FLIGHT (default: the library's) sets FanOutOptions.createsInFlight,
  # BENCH_DURABILITY (power-loss, the default, or process-crash) the SQLite ledger's Durability
elif [ "$QUICK" = 1 ]; then
  # The window of each N is at least 3 s and covers 3 poll intervals (every job polled 3 times), at most 15 s:
  # an N whose interval is longer than 5 s (over 10,000 jobs) leaves quick mode. ClientRunner checks it again.
  MODE=quick; NS=(1000 10000); ROUNDS=3; WARMUP_S=5; WINDOW_S=3; QUICK_MAX_WINDOW_S=15; MIN_WINDOW_INTERVALS=3
else
  MODE=full; NS=(1000 10000 100000); ROUNDS=3; WARMUP_S=25; WINDOW_S=20
fi
RATE=2000   # GET/s for every implementation: interval = N / RATE
# For trying the harness itself: BENCH_NS="1000" BENCH_ROUNDS=1 BENCH_IMPLS="raw-netty agentjobs" run.sh --quick
[ -n "${BENCH_NS:-}" ] && read -r -a NS <<< "$BENCH_NS"
[ -n "${BENCH_ROUNDS:-}" ] && ROUNDS="$BENCH_ROUNDS"
[ -n "${BENCH_IMPLS:-}" ] && read -r -a IMPLS <<< "$BENCH_IMPLS"

# The measured window of N jobs, in seconds (an interval of N / RATE seconds).
window_s() {
  local interval_ms=$(( $1 * 1000 / RATE ))
  if [ "$MIN_WINDOW_INTERVALS" -gt 0 ]; then
    local need=$(( (MIN_WINDOW_INTERVALS * interval_ms + 999) / 1000 ))
    [ "$need" -gt "$WINDOW_S" ] && echo "$need" || echo "$WINDOW_S"
  else
    echo "$WINDOW_S"
  fi
}
if [ "$MODE" = quick ]; then
  for n in "${NS[@]}"; do
    if [ "$(window_s "$n")" -gt "$QUICK_MAX_WINDOW_S" ]; then
      echo "N=$n leaves quick mode: $MIN_WINDOW_INTERVALS intervals of $(( n * 1000 / RATE )) ms need a" \
        "$(window_s "$n") s window, over quick mode's $QUICK_MAX_WINDOW_S s; run it without --quick" >&2
      exit 2
    fi
  done
fi

# Where the results go: results-X.json and, beside it, RESULTS-X.md, chart-X.png, runs-X.jsonl.
RESULTS="$HERE/results"
case "$MODE" in full) SUFFIX="" ;; *) SUFFIX="-$MODE" ;; esac
[ -n "$OUT" ] || OUT="$RESULTS/results$SUFFIX.json"
mkdir -p "$(dirname "$OUT")"
OUT_DIR="$(cd "$(dirname "$OUT")" && pwd)"
OUT_NAME="$(basename "$OUT" .json)"
case "$OUT_NAME" in results) SUFFIX="" ;; results-*) SUFFIX="${OUT_NAME#results}" ;; *) SUFFIX="-$OUT_NAME" ;; esac
OUT="$OUT_DIR/$(basename "$OUT")"
OUT_MD="$OUT_DIR/RESULTS$SUFFIX.md"
OUT_PNG="chart$SUFFIX.png"
OUT_RUNS="$OUT_DIR/runs${SUFFIX:--$MODE}.jsonl"
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

# JDK 25 where present (virtual threads need 21+); otherwise the default JDK, virtual threads skipped.
JDK="$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1 || true)"
if [ -n "$JDK" ] && [ -x "$JDK/bin/java" ]; then JAVA="$JDK/bin/java"; else JAVA="$(command -v java)"; fi
JDK_VERSION="$("$JAVA" -version 2>&1 | head -1)"

if [ "$(nproc --all)" -ge 2 ] && command -v taskset >/dev/null; then
  PIN_CLIENT=(taskset -c 0); PIN_SERVER=(taskset -c 1)
  PINNING="Client JVM pinned to CPU 0, simulator JVM to CPU 1 (taskset)."
else
  PIN_CLIENT=(); PIN_SERVER=()
  PINNING="Not pinned (fewer than 2 CPUs or no taskset): client and simulator share the CPUs."
fi

WORK="$(mktemp -d)"
SIM_PID=""
cleanup() {
  exec 7>&- 2>/dev/null || true
  if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then kill "$SIM_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The commit measured is the one built now: a commit made while the run goes on must not be named instead.
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -z "$(git -C "$ROOT" status --porcelain -- src pom.xml benchmarks/src benchmarks/pom.xml 2>/dev/null)" ] \
  || COMMIT="$COMMIT+uncommitted"
echo "== building (project jar, then the benchmarks module) with $JDK_VERSION"
(cd "$ROOT" && mvn -B -q -DskipTests install)
(cd "$HERE" && mvn -B -q compile)
CP="$HERE/target/classes:$(cat "$HERE/target/classpath.txt")"
JVM_OPTS=(-XX:+UseG1GC -Xmx3g -Djava.awt.headless=true)
# For profiling only (e.g. BENCH_JVM_OPTS="-XX:StartFlightRecording=filename=/tmp/f.jfr"): added to every client JVM.
[ -n "${BENCH_JVM_OPTS:-}" ] && read -r -a EXTRA_JVM_OPTS <<< "$BENCH_JVM_OPTS" && JVM_OPTS+=("${EXTRA_JVM_OPTS[@]}")

# A throwaway key: the simulator checks it, nothing else ever sees it (it is passed through the environment).
export BENCH_API_KEY="mint_bench_$RANDOM$RANDOM"

MAX_N=0; for n in "${NS[@]}"; do [ "$n" -gt "$MAX_N" ] && MAX_N=$n; done
SIM_EXTRA=()
[ "$FANOUT" = 1 ] && SIM_EXTRA=(--durations 1s..3s)
echo "== starting the simulator with $MAX_N jobs ${SIM_EXTRA[*]}"
mkfifo "$WORK/sim.in"
"${PIN_SERVER[@]}" "$JAVA" -Xmx2g -cp "$CP" dev.agentjobs.bench.SimulatorServer --jobs "$MAX_N" "${SIM_EXTRA[@]}" \
  < "$WORK/sim.in" > "$WORK/sim.out" 2> "$WORK/sim.err" &
SIM_PID=$!
exec 7> "$WORK/sim.in"   # the simulator serves until this descriptor closes (also if this script dies)
URL=""
for _ in $(seq 300); do
  URL="$(sed -n 's/^url //p' "$WORK/sim.out")"
  [ -n "$URL" ] && break
  kill -0 "$SIM_PID" 2>/dev/null || { cat "$WORK/sim.err" >&2; echo "simulator died" >&2; exit 1; }
  sleep 0.2
done
[ -n "$URL" ] || { echo "simulator did not start" >&2; exit 1; }
echo "   simulator at $URL (pid $SIM_PID)"

RUNS="$WORK/runs.jsonl"
: > "$RUNS"
if [ "$FANOUT" = 1 ]; then
  # SQLite and in-memory ledgers interleaved, one fresh client JVM each, a fresh ledger directory each.
  for round in $(seq "$ROUNDS"); do
    for ledger in sqlite memory; do
      printf '   fanout %s prompts round %s %-7s ' "$FANOUT_PROMPTS" "$round" "$ledger"
      code=0
      rm -rf "$WORK/ledger"
      timeout 900 "${PIN_CLIENT[@]}" "$JAVA" "${JVM_OPTS[@]}" -cp "$CP" dev.agentjobs.bench.FanOutRunner \
        --ledger "$ledger" --url "$URL" --prompts "$FANOUT_PROMPTS" --dir "$WORK/ledger" --round "$round" \
        --creates-in-flight "${BENCH_CREATES_IN_FLIGHT:-default}" --durability "${BENCH_DURABILITY:-power-loss}" \
        > "$WORK/run.out" 2> "$WORK/run.err" || code=$?
      line="$(grep '^{' "$WORK/run.out" | tail -1 || true)"
      if [ -z "$line" ]; then
        why="$(grep -v '^\s*$' "$WORK/run.err" | grep -v SLF4J | tail -1 | tr '"\\' "'/" | cut -c1-200)"
        line="{\"scenario\":\"fanout\",\"ledger\":\"$ledger\",\"round\":$round,\"status\":\"failed\",\"reason\":\"client JVM exit $code without a result: $why\"}"
      fi
      echo "$line" >> "$RUNS"
      echo "$line" | grep -o '"status":"[a-z]*"\|"promptsPerS":[0-9.]*\|"cpuMicrosPerPrompt":[0-9.]*\|"ledgerBytesPerPrompt":[0-9.]*' | tr '\n' ' '
      echo
    done
  done
fi
for n in "${NS[@]}"; do
  [ "$FANOUT" = 1 ] && break
  INTERVAL_MS=$(( n * 1000 / RATE ))
  N_WINDOW_S="$(window_s "$n")"
  LIMIT=$(( WARMUP_S + N_WINDOW_S + INTERVAL_MS / 1000 + 180 ))
  for round in $(seq "$ROUNDS"); do
    for impl in "${IMPLS[@]}"; do
      printf '   N=%-6s round %s %-21s ' "$n" "$round" "$impl"
      code=0
      timeout "$LIMIT" "${PIN_CLIENT[@]}" "$JAVA" "${JVM_OPTS[@]}" -cp "$CP" dev.agentjobs.bench.ClientRunner \
        --impl "$impl" --url "$URL" --jobs "$n" --interval-ms "$INTERVAL_MS" \
        --warmup-s "$WARMUP_S" --window-s "$N_WINDOW_S" --min-window-intervals "$MIN_WINDOW_INTERVALS" \
        --round "$round" > "$WORK/run.out" 2> "$WORK/run.err" || code=$?
      line="$(grep '^{' "$WORK/run.out" | tail -1 || true)"
      if [ -z "$line" ]; then
        why="$(grep -v '^\s*$' "$WORK/run.err" | grep -v SLF4J | tail -1 | tr '"\\' "'/" | cut -c1-200)"
        line="{\"scenario\":\"watch\",\"impl\":\"$impl\",\"jobs\":$n,\"round\":$round,\"status\":\"failed\",\"reason\":\"client JVM exit $code without a result: $why\"}"
      fi
      echo "$line" >> "$RUNS"
      echo "$line" | sed -E 's/.*"status":"([a-z]+)".*/\1/' | tr -d '\n'
      echo "$line" | grep -o '"cpuMicrosPerPoll":[0-9.]*,"heapBytesPerJob":[0-9.-]*' | sed 's/^/ /' | tr -d '\n' || true
      echo "$line" | grep -o '"gcCountInWindow":[0-9]*,"gcMsInWindow":[0-9]*' | sed 's/^/ /' || echo
    done
  done
done

[ "$FANOUT" = 1 ] || echo "== economy scenario (virtual time)"
[ "$FANOUT" = 1 ] || "${PIN_CLIENT[@]}" "$JAVA" "${JVM_OPTS[@]}" -cp "$CP" dev.agentjobs.bench.Economy 2> "$WORK/economy.err" \
  | grep '^{' >> "$RUNS" || { echo "economy failed:" >&2; tail -5 "$WORK/economy.err" >&2; }

exec 7>&-
wait "$SIM_PID" 2>/dev/null || true
SIM_PID=""

CPU_MODEL="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' | tr -d '"\\' || echo unknown)"
MEM="$(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo 2>/dev/null || echo unknown)"
cat > "$WORK/machine.json" <<JSON
{"date": "$(date -u +%Y-%m-%dT%H:%MZ)", "cpu": "$CPU_MODEL", "cores": $(nproc --all), "memory": "$MEM",
 "os": "$(uname -sr)", "jdk": "$(echo "$JDK_VERSION" | tr -d '"\\')", "pinning": "$PINNING",
 "mode": "$MODE", "rounds": $ROUNDS, "warmupS": $WARMUP_S, "windowS": $WINDOW_S,
 "minWindowIntervals": $MIN_WINDOW_INTERVALS, "ratePerS": $RATE,
 "jvmOptions": "${JVM_OPTS[*]}", "loadAverage": "$LOAD_AT_START",
 "commit": "$COMMIT"}
JSON
cp "$RUNS" "$OUT_RUNS"
if [ "$FANOUT" = 1 ]; then
  "$JAVA" -cp "$CP" dev.agentjobs.bench.FanOutReport --in "$RUNS" --machine "$WORK/machine.json" \
    --out "$OUT" --md "$OUT_MD" 2> >(grep -v SLF4J >&2)
  echo "== wrote $OUT, $OUT_MD, $OUT_RUNS"
  exit 0
fi
"$JAVA" -Djava.awt.headless=true -cp "$CP" dev.agentjobs.bench.Report --in "$RUNS" --machine "$WORK/machine.json" \
  --out "$OUT" --md "$OUT_MD" --png "$OUT_DIR/$OUT_PNG" --png-name "$OUT_PNG" 2> >(grep -v SLF4J >&2)
echo "== wrote $OUT, $OUT_MD, $OUT_DIR/$OUT_PNG, $OUT_RUNS"
