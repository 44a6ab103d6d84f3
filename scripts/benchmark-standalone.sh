#!/usr/bin/env bash
# Throughput of ./rocketmq up against RocketMQ's own start-up classes, with RocketMQ's own
# benchmark tool (org.apache.rocketmq.example.benchmark.Producer, rocketmq-example 5.5.0).
#
#   scripts/benchmark-standalone.sh [ROUNDS] [MESSAGES]     (defaults: 4 rounds, 200000 messages)
#
# Each round starts both servers afresh, one after the other, on the same machine and with the same
# config/broker.conf (only processes and JVMs differ), warms each up with a fifth of the messages,
# then sends MESSAGES 1 KiB messages from 16 threads and reads the tool's "[Complete] ... Send TPS".
#   standalone: ./rocketmq up's main class (StandaloneRocketMQ: NameServer, broker and proxy in one
#               JVM, its long-lived JVM settings), on free ports
#   reference:  NamesrvStartup and BrokerStartup, each in its own JVM as bin/mqnamesrv and
#               bin/mqbroker start them, with G1 and bin/runbroker.sh's settings, 512 MiB heaps
# Machines are noisy: compare the two in the same run (the ratio), never across runs.
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$ROOT"
ROUNDS=${1:-4}
MESSAGES=${2:-200000}
JAVA=$(java_bin)
ensure_built stack
./mvnw -q -B -o -pl stack dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath >/dev/null 2>&1 || \
  ./mvnw -q -B -pl stack dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
TOOL_CP="$ROOT/stack/target/bench.classpath"
TOOL_CP=$(cat "$TOOL_CP")
SERVER_CP=$(cat "$ROOT/stack/target/classes/learn/rocketmq/stack/server.classpath")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rocketmq-bench.XXXXXX")
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "$WORK"' EXIT
OPENS="--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED"
G1="-server -Xms512m -Xmx512m -XX:+UseG1GC -XX:G1HeapRegionSize=16m -XX:G1ReservePercent=25
  -XX:InitiatingHeapOccupancyPercent=30 -XX:SoftRefLRUPolicyMSPerMB=0 -XX:-OmitStackTraceInFastThrow
  -XX:MaxDirectMemorySize=1g"

wait_for() { # FILE PATTERN
  for _ in $(seq 1 240); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.5; done
  echo "ERROR: no '$2' in $1:" >&2; tail -20 "$1" >&2; exit 1
}

# bench NAMESRV N: the tool's TPS for N messages
bench() {
  local out="$WORK/bench.out"
  "$JAVA" -Duser.home="$WORK/tool" -Drocketmq.client.logRoot="$WORK/tool/logs" -cp "$TOOL_CP" \
    org.apache.rocketmq.example.benchmark.Producer -n "$1" -t BenchmarkTest -w 16 -s 1024 -q "$2" \
    > "$out" 2>&1
  grep -o '\[Complete\].*Send TPS: [0-9]*' "$out" | grep -o '[0-9]*$' || { tail -5 "$out" >&2; echo 0; }
}

run_standalone() {
  local dir="$WORK/standalone" log="$WORK/standalone.log"
  "$JAVA" -cp "$(run_classpath stack)" learn.rocketmq.stack.StandaloneRocketMQ --data "$dir" --free-ports --fresh \
    > "$log" 2>&1 &
  local pid=$!
  wait_for "$log" "Ctrl-C stops it"
  local ns
  ns=$(grep -o 'NameServer *[0-9.:]*' "$log" | awk '{print $2}')
  bench "$ns" $((MESSAGES / 5)) >/dev/null
  bench "$ns" "$MESSAGES"
  kill -TERM "$pid"; wait "$pid" || true
}

run_reference() {
  local dir="$WORK/reference"
  rm -rf "$dir"; mkdir -p "$dir/home"
  printf 'listenPort=29876\n' > "$dir/namesrv.conf"
  cp config/broker.conf "$dir/broker.conf"
  printf '\nlistenPort=30911\nstorePathRootDir=%s/store\nstorePathCommitLog=%s/store/commitlog\n' "$dir" "$dir" >> "$dir/broker.conf"
  # shellcheck disable=SC2086
  "$JAVA" $G1 $OPENS -Duser.home="$dir/home" -Drocketmq.home.dir="$dir" -cp "$SERVER_CP" \
    org.apache.rocketmq.namesrv.NamesrvStartup -c "$dir/namesrv.conf" > "$dir/namesrv.out" 2>&1 &
  local ns_pid=$!
  wait_for "$dir/namesrv.out" "boot success"
  # shellcheck disable=SC2086
  "$JAVA" $G1 $OPENS -Duser.home="$dir/home" -Drocketmq.home.dir="$dir" -cp "$SERVER_CP" \
    org.apache.rocketmq.broker.BrokerStartup -c "$dir/broker.conf" -n 127.0.0.1:29876 > "$dir/broker.out" 2>&1 &
  local broker_pid=$!
  wait_for "$dir/broker.out" "boot success"
  bench 127.0.0.1:29876 $((MESSAGES / 5)) >/dev/null
  bench 127.0.0.1:29876 "$MESSAGES"
  kill -9 "$broker_pid" "$ns_pid"; wait "$broker_pid" "$ns_pid" 2>/dev/null || true
}

echo "round  standalone  reference   (sends/s, ${MESSAGES} x 1 KiB, 16 threads)"
s_all=(); r_all=()
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then s=$(run_standalone); r=$(run_reference); else r=$(run_reference); s=$(run_standalone); fi
  s_all+=("$s"); r_all+=("$r")
  printf '%5d  %10d  %9d\n' "$round" "$s" "$r"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ms=$(median "${s_all[@]}"); mr=$(median "${r_all[@]}")
echo "median standalone $ms, reference $mr, ratio $(awk -v a="$ms" -v b="$mr" 'BEGIN {printf "%.2f", a / b}')x"
