#!/usr/bin/env bash
# Node start to first served request (issue 2 benchmark; docs/benchmarks.md, "Node start").
#
# usage: distributions/node/bench-start.sh [runs] [node.jar] [node home] [java options...]
#   runs       counted restarts (default 6)
#   node.jar   default: distributions/node/target/node.jar next to this script
#   node home  default: a fresh temporary folder; made with --quickstart (the first start,
#              which also fills the bundle cache, is not counted)
#   java options, if any, go before -jar (e.g. -Dorg.qkdv2i.node.earlyBcInit=false); the
#   benchmark itself is plain `java -jar node.jar`.
#
# For each restart: start the node, wait for its "node A ready in N ms" line (N counts from JVM
# start, once the ETSI 014 server completed a mutual-TLS handshake), read the process's CPU time
# (user+system, /proc/<pid>/stat) and the 1-minute load, stop it with SIGTERM, wait for its end.
# Prints one line per restart and the medians. Needs Linux /proc and port 8443 free.
set -u
RUNS=${1:-6}
HERE=$(cd "$(dirname "$0")" && pwd)
JAR=$(realpath "${2:-$HERE/target/node.jar}")
NODE_HOME=${3:-}
shift $(( $# < 3 ? $# : 3 ))
TICK=$(getconf CLK_TCK)
[ -f "$JAR" ] || { echo "no node.jar at $JAR" >&2; exit 1; }
if [ -z "$NODE_HOME" ]; then NODE_HOME=$(mktemp -d /tmp/node-start-bench.XXXXXX); fi
mkdir -p "$NODE_HOME" && cd "$NODE_HOME" || exit 1

# start_once <log> [args...]: starts the node, waits for the ready line, prints "<ready ms> <cpu ms>", stops it
start_once() {
  local log=$1; shift
  java "$@" -jar "$JAR" > "$log" 2>&1 &
  local pid=$! deadline=$((SECONDS + 120)) cpu=""
  while ! grep -q ' ready in ' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then break; fi
    sleep 0.02
  done
  cpu=$(awk -v t="$TICK" '{print int(($14 + $15) * 1000 / t)}' "/proc/$pid/stat" 2>/dev/null)
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  echo "$(grep -o 'ready in [0-9]*' "$log" | head -1 | awk '{print $3}') ${cpu:-?}"
}

median() { sort -n | awk '{v[NR]=$1} END {if (NR==0) print "?"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

LOG=$(mktemp /tmp/node-start-bench-log.XXXXXX)
trap 'rm -f "$LOG"' EXIT
if [ ! -d deploy ] || [ -z "$(ls -A deploy 2>/dev/null)" ]; then
  echo "node home $NODE_HOME: --quickstart (not counted)"
  java -jar "$JAR" --quickstart > "$LOG" 2>&1 &
  pid=$!; deadline=$((SECONDS + 180))
  while ! grep -q ' ready in ' "$LOG" && kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  grep -q ' ready in ' "$LOG" || { echo "quickstart did not become ready:"; tail -20 "$LOG"; exit 1; }
fi
echo "node.jar $JAR ($(date -u +%FT%TZ), $(nproc) cores, java $(java -version 2>&1 | head -1))"
READY=(); CPU=()
for i in $(seq 1 "$RUNS"); do
  read -r r c < <(start_once "$LOG" "$@")
  load=$(cut -d' ' -f1 /proc/loadavg)
  echo "restart $i: ready ${r:-FAILED} ms, CPU ${c} ms, load ${load}"
  [ -n "${r:-}" ] || { tail -20 "$LOG"; exit 1; }
  READY+=("$r"); CPU+=("$c")
done
echo "median: ready $(printf '%s\n' "${READY[@]}" | median) ms, CPU $(printf '%s\n' "${CPU[@]}" | median) ms over $RUNS restarts"
