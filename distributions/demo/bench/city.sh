#!/usr/bin/env bash
# Issue 8 benchmark: a generated city (CityGenerator) played at speed 1 on the real devices (a PUF,
# DAU, DPN endpoint, radio and SIGNED V2X stack per RSU and vehicle) in demo.jar. Every 5 s it
# prints the process CPU, threads and the demo's simulated time; at the end whether the city kept
# real time and what the stacks delivered and refused. Build first: mvn -B -q install -DskipTests
#
# usage: distributions/demo/bench/city.sh [rsus=50] [vehicles=1000] [seconds=120] [heap=3g]
# env:   OUT=<dir> (default: a new temporary directory), NICE=10, JAVA_OPTS (extra options for the
#        demo JVM, e.g. -XX:StartFlightRecording=filename=run.jfr,settings=profile)
set -euo pipefail
RSUS=${1:-50}; VEHICLES=${2:-1000}; SECONDS_SIM=${3:-120}; HEAP=${4:-3g}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=${OUT:-$(mktemp -d /tmp/city-bench.XXXXXX)}
mkdir -p "$OUT"; cd "$OUT"
java -cp "$ROOT/bundles/scenario/target/classes" org.qkdv2i.scenario.internal.model.CityGenerator \
    "rsus=$RSUS,vehicles=$VEHICLES,duration=$SECONDS_SIM,speed=1" > city.json
echo "city: $RSUS RSUs, $VEHICLES vehicles, $SECONDS_SIM simulated s at speed 1; output in $OUT"
START=$(date +%s.%N)
nice -n "${NICE:-10}" java -Xmx"$HEAP" ${JAVA_OPTS:-} -jar "$ROOT/distributions/demo/target/demo.jar" --headless --no-opcua \
    --scenario city.json --duration "$SECONDS_SIM" --speed 1 --report report.json > demo.log 2>&1 &
PID=$!
TCK=$(getconf CLK_TCK)
# CPU seconds per thread group (thread name with digits as N: the JIT, GC, radio I/O, stack ticks, links...)
thread_cpu() {
    date +%s.%N
    # one cat and one awk per sample, cheap beside a city of 6,000 threads (python was not): the
    # name sits between the first '(' and the last ')', utime and stime are fields 14 and 15
    cat /proc/"$PID"/task/*/stat 2>/dev/null | awk -v tck="$TCK" '{
        a = index($0, "("); match($0, /\)[^)]*$/); name = substr($0, a + 1, RSTART - a - 1)
        split(substr($0, RSTART + 2), f, " ")
        keep = (substr(name, 1, 3) ~ /^(C1|C2|G1) $/) ? 3 : 0 # the JIT compilers and G1 keep their names
        rest = substr(name, keep + 1); gsub(/[0-9]+/, "N", rest)
        cpu[substr(name, 1, keep) rest] += (f[12] + f[13]) / tck
    } END { for (k in cpu) printf "%.2f\t%s\n", cpu[k], k }' || true # a thread that ended meanwhile fails cat
}
: > samples.tsv
printf 'wall_s\tcpu_s\tcores\tthreads\tsim_s\tload\n' | tee -a samples.tsv
LAST_CPU=0; LAST_WALL=0
while kill -0 "$PID" 2>/dev/null; do
    sleep 5
    [ -r /proc/$PID/stat ] || break
    read -r -a F < /proc/$PID/stat || break
    CPU=$(( (F[13] + F[14]) ))
    NOW=$(date +%s.%N)
    SIM=$(grep -o '^t= *[0-9]*s' demo.log | tail -1 | tr -dc '0-9' || true)
    if [ -n "$SIM" ] && [ "$SIM" != "${LAST_SIM:-}" ]; then # playing: per thread group at the first and the last played sample
        [ -s threads-first.tsv ] || thread_cpu > threads-first.tsv
        thread_cpu > threads-last.tsv
        LAST_SIM=$SIM
    fi
    THREADS=$(ls /proc/$PID/task 2>/dev/null | wc -l)
    awk -v now="$NOW" -v start="$START" -v cpu="$CPU" -v tck="$TCK" -v lc="$LAST_CPU" -v lw="$LAST_WALL" \
        -v th="$THREADS" -v sim="${SIM:--}" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
        w = now - start; c = cpu / tck; printf "%.1f\t%.1f\t%.2f\t%d\t%s\t%s\n", w, c, (w > lw ? (c - lc) / (w - lw) : 0), th, sim, load }' \
        | tee -a samples.tsv
    LAST_CPU=$(awk -v c="$CPU" -v t="$TCK" 'BEGIN { print c / t }'); LAST_WALL=$(awk -v n="$NOW" -v s="$START" 'BEGIN { print n - s }')
done
wait "$PID" || { echo "demo.jar failed: see $OUT/demo.log"; tail -20 demo.log; exit 1; }
python3 - <<'PY'
import json
r = json.load(open("report.json"))
rows = [l.split("\t") for l in open("samples.tsv").read().splitlines()[1:]]
played = [(float(w), int(s)) for w, _, _, _, s, _ in rows if s not in ("-", "")]
# up to the first sample at the last simulated second (later samples are the shutdown)
played = played[:next(i for i, (_, x) in enumerate(played) if x == played[-1][1]) + 1] if played else played
if len(played) >= 2:
    (w0, s0), (w1, s1) = played[0], played[-1]
    print(f"played {s1 - s0} simulated s in {w1 - w0:.1f} wall s: {(s1 - s0) / (w1 - w0):.2f}x real time")
last = played[-1][0] if played else 0
play_cores = [float(row[2]) for row in rows if row[4] not in ("-", "") and float(row[0]) <= last]
if play_cores:
    print(f"CPU while playing: {sum(play_cores) / len(play_cores):.2f} cores on average, max {max(play_cores):.2f}")
secs = lambda x: f"{x:.1f} s" if isinstance(x, (int, float)) else "never (" + str(x) + ")"
print(f"network ready after {secs(r['readyAfterWallSeconds'])} wall; devices ready after {secs(r['devicesReadyAfterWallSeconds'])}")
for p in r["problems"]:
    print("problem: " + p)
for kind in ("RSU", "VEHICLE"):
    xs = [x for x in r["v2x"] if x["kind"] == kind]
    if xs:
        s = lambda k: sum(x[k] for x in xs)
        print(f"{kind} since start-up: {len(xs)} stations sent {s('sent')}, received {s('received')}, delivered {s('delivered')}, "
              f"refused {s('refused')}, PSK greetings {s('pskPayloads')}, serving sessions opened {s('servingSessions')}")
for v in r.get("v2xWhilePlaying", []):
    w = v["wallSeconds"] or 1
    print(f"while playing ({w:.0f} s), {v['stations']} {v['kind']}: sent {v['sent'] / w:.0f}/s, received {v['received'] / w:.0f}/s, "
          f"delivered {v['delivered'] / w:.0f}/s, refused {v['refused'] / w:.0f}/s {v['refusedBy']}")
try:
    first, last = (open(f).read().splitlines() for f in ("threads-first.tsv", "threads-last.tsv"))
    w = float(last[0]) - float(first[0])
    cpu = lambda lines: {k: float(v) for v, k in (l.split("\t", 1) for l in lines[1:])}
    a, b = cpu(first), cpu(last)
    used = sorted(((b[k] - a.get(k, 0)) / w, k) for k in b)[::-1]
    print(f"CPU by thread group while playing ({w:.0f} s, cores): " + ", ".join(f"{k} {c:.2f}" for c, k in used[:14] if c >= 0.005))
except (OSError, ValueError, IndexError, ZeroDivisionError):
    pass
# the played window in 30 s steps: delivered (the summary line's running total) and refused STALE (the
# stacks' rate-limited log lines, with their "n similar suppressed"): warm-up against steady state
import collections, datetime, re
try:
    start, stale, total = None, collections.Counter(), {}
    for line in open("city.log", errors="replace"):
        if start is None and "network ready after" in line and "city event" in line:
            start = datetime.datetime.fromisoformat(line[:23])
        elif start is not None and "verification STALE" in line:
            m = re.search(r"\((\d+) similar suppressed\)", line)
            at = (datetime.datetime.fromisoformat(line[:23]) - start).total_seconds()
            stale[int(at // 30)] += 1 + (int(m.group(1)) if m else 0)
    for line in open("demo.log", errors="replace"):
        m = re.match(r"t= *(\d+)s .*V2X msgs (\d+)", line)
        if m:
            total[int(m.group(1))] = int(m.group(2))
    if start is not None and total:
        steps = []
        for b in range(max(total) // 30):
            a, z = max(30 * b, min(total)), 30 * b + 30
            if a in total and z in total:
                steps.append(f"{30 * b}-{z} s: {(total[z] - total[a]) / (z - a):.0f}/s delivered, {stale[b] / 30:.1f}/s STALE")
        print("while playing, per 30 s: " + "; ".join(steps))
except (OSError, ValueError):
    pass
ho = r["handovers"]
print(f"handovers {len(ho)}, same key {sum(1 for h in ho if h['sameKey'])}, DPN sessions {r['dpnSessionsOpened']}, problems {len(r['problems'])}")
PY
