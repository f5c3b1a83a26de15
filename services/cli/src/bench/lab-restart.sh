#!/bin/bash
# Lab-operation measurement (docs/operations.md, "Many experiments"): N (default 50) default
# `small` evolutions submitted to `autost serve` on an embedded broker, BATCH (default N) at a
# time, the next batch once the previous one finished; prints the time until all finished, the
# slowest leaderboard call, peak RSS (/usr/bin/time -v), then restarts serve on the same data
# and prints the time to /ready and the experiments it lists.
#   N=1000 BATCH=50 services/cli/src/bench/lab-restart.sh
# Needs the built CLI (./autost once), curl, bc, python3, /usr/bin/time.
set -u
cd "$(dirname "$0")/../../../.."
N=${N:-50}
mkdir -p ${LAB:-/tmp/autost-lab}
D=${LAB:-/tmp/autost-lab}/data-$N; rm -rf $D; mkdir -p $D
echo "tok-$RANDOM$RANDOM" > ${LAB:-/tmp/autost-lab}/token; chmod 600 ${LAB:-/tmp/autost-lab}/token
PORT=18090
start() {
  AUTOST_NO_BUILD=1 /usr/bin/time -v ./autost serve --kafka-data $D --http-port $PORT --api-token-file ${LAB:-/tmp/autost-lab}/token > ${LAB:-/tmp/autost-lab}/serve-$1.log 2>&1 &
  echo $! > ${LAB:-/tmp/autost-lab}/pid
}
wait_ready() {
  local t0=$(date +%s.%N)
  until [ "$(curl -s -o /dev/null -w '%{http_code}' localhost:$PORT/ready)" = 200 ]; do
    kill -0 "$(cat ${LAB:-/tmp/autost-lab}/pid)" 2>/dev/null || { echo "serve ended before it was ready:" >&2; tail -20 ${LAB:-/tmp/autost-lab}/serve-*.log >&2; exit 1; }
    sleep 0.2
  done
  echo "$(date +%s.%N) - $t0" | bc
}
start 1
t0=$(date +%s.%N)
echo "ready after $(wait_ready) s (first start)"
TOKEN=$(cat ${LAB:-/tmp/autost-lab}/token)
BATCH=${BATCH:-$N}
ts=$(date +%s.%N)
for first in $(seq 1 $BATCH $N); do
  last=$((first + BATCH - 1)); [ $last -gt $N ] && last=$N
  for i in $(seq $first $last); do
    curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -X POST -d "{\"space\": \"small\", \"seed\": $i, \"experiment_id\": \"lab-$i\"}" localhost:$PORT/api/experiments
  done
  while true; do
    done_n=$(curl -s localhost:$PORT/api/experiments | python3 -c "import json,sys; print(sum(1 for e in json.load(sys.stdin) if e['phase']=='finished'))")
    [ "$done_n" -ge $last ] && break
    sleep 1
  done
  echo "$last finished $(echo "$(date +%s.%N) - $ts" | bc) s after the first submission"
done
echo "all $N finished $(echo "$(date +%s.%N) - $ts" | bc) s after the first submission"
worst=0
for i in $(seq 1 $N); do
  t=$(curl -s -o /dev/null -w '%{time_total}' "localhost:$PORT/api/experiments/lab-$i/leaderboard?limit=20")
  worst=$(python3 -c "print(max($worst,$t))")
done
echo "slowest of $N leaderboard calls: $worst s"

pkill -TERM -f "java.*serve --kafka-data $D"; wait
grep -E "Maximum resident|Elapsed" ${LAB:-/tmp/autost-lab}/serve-1.log
start 2
echo "restart: ready after $(wait_ready) s"
t=$(curl -s -o /dev/null -w '%{time_total}' "localhost:$PORT/api/experiments/lab-1/leaderboard?limit=20"); echo "leaderboard after restart: $t s"
curl -s localhost:$PORT/api/experiments | python3 -c "import json,sys; l=json.load(sys.stdin); print(len(l), 'experiments,', sum(1 for e in l if e['phase']=='finished'), 'finished after restart')"
pkill -TERM -f "java.*serve --kafka-data $D"; wait
grep -E "Maximum resident|Elapsed" ${LAB:-/tmp/autost-lab}/serve-2.log
