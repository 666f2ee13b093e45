#!/usr/bin/env bash
# Issue 5's benchmark suite: per-epoch time and peak memory of every model (ModelEpochBenchmark:
# Last.fm, and the Baby graph with synthetic features), BM3 exact vs fast at 1x and 10x the
# catalogue (CatalogueScalingBenchmark), both in ONE JMH invocation, then one `bm3 train` run per
# model on Last.fm with early stopping (time to the best validation epoch, test Recall/NDCG@20),
# then dev.bm3.bench.SuiteReport. Writes into benchmarks/results/ (or $RESULTS_DIR):
#   <date>-<host>.md            the report (tables, machine, commands)
#   <date>-<host>-ratios.png    the bar chart the report links
#   <date>-<host>.json          JMH's result; <date>-<host>-trials.jsonl the memory/phase records
#   <date>-<host>.log           JMH's log (result lines, phase breakdowns) and the trainings' logs
#   <date>-<host>-runs/MODEL/   each training's metrics.json, epochs.csv, manifest.json, config.yaml
# A second run on the same day gets -HHMM appended, like ci/bench.sh.
#
# Arguments go to JMH unchanged (after the benchmark selection), e.g. `-p data=lastfm -wi 0 -i 1`.
# Environment:
#   MVN_FLAGS     e.g. -o for an offline build            BM3_SHARED  shared datasets directory
#   MODELS        models for JMH's `model` parameter and for the trainings (default: all seven:
#                 bm3 bm3-fast bpr lightgcn vbpr lattice freedom; bm3-fast = BM3 with train_mode=fast);
#                 select models here, not with `-p model=` in the arguments
#   JMH_INCLUDE   benchmark regexp (default 'ModelEpochBenchmark|CatalogueScalingBenchmark')
#   SKIP_JMH=1, SKIP_TRAIN=1, SKIP_BUILD=1   leave a part out
#   EPOCHS        cap the trainings' epochs (smoke tests only: the time-to-best table then flags
#                 every run that reached the cap as not converged)
#   RESULTS_DIR   where the files go (default benchmarks/results)
# OMP_WAIT_POLICY=passive for every part, as in ci/bench.sh (libgomp's spinning workers slow
# 2-thread runs on a loaded 2-core machine several times; the suite runs 1 thread per model).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -ntp ${MVN_FLAGS:-} -q install -DskipTests
  (cd benchmarks && mvn -B -ntp ${MVN_FLAGS:-} -q package)
fi
export OMP_WAIT_POLICY=passive

shared=$(cd "${BM3_SHARED:-$root/../shared/datasets}" && pwd)
models=${MODELS:-bm3 bm3-fast bpr lightgcn vbpr lattice freedom}
out=${RESULTS_DIR:-$root/benchmarks/results}
mkdir -p "$out"
out=$(cd "$out" && pwd)
stamp=$(date +%F)-$(hostname -s)
# a second run on the same day keeps the first
if [ -e "$out/$stamp.md" ] || [ -e "$out/$stamp.json" ]; then stamp=$stamp-$(date +%H%M); fi
rev="$(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty')"

# Run from copies, so that rebuilding during a long run cannot change what the JVMs load.
run=$(mktemp -d)
# load samples; other work on the machine shows up here. Started before any trap is set: a
# forked child killed early would otherwise run the inherited EXIT trap and delete $run.
(while sleep 30; do echo "$(date +%T) $(cat /proc/loadavg)"; done > "$run/load.log") &
sampler=$!
trap 'kill $sampler 2>/dev/null || true; rm -rf "$run"' EXIT
mkdir -p "$run/bench" "$run/engine" "$run/runs"
cp -r benchmarks/target/benchmarks.jar benchmarks/target/lib "$run/bench/"
cp -r target/bm3.jar target/lib "$run/engine/"
# benchmarks/ resolves the engine from ~/.m2, which other checkouts on this machine install into
# too: time THIS tree's engine, the one just built
engine_lib=("$run"/bench/lib/bm3-engine-*.jar)
cp target/bm3.jar "${engine_lib[0]}"
log=$out/$stamp.log
commands=$run/commands.txt
{
  echo "# $(date -Is) $(hostname) $(nproc) cores; git $rev"
  echo "# load before: $(uptime)"
} | tee "$log"
echo "# run from copies: BENCH = benchmarks/target (benchmarks.jar + lib/), ENGINE = target (bm3.jar + lib/); OMP_WAIT_POLICY=passive" > "$commands"

if [ -z "${SKIP_JMH:-}" ]; then
  jmh=(java -Dbm3.shared="$shared" -Dbm3.bench.trials="$out/$stamp-trials.jsonl" -jar "$run/bench/benchmarks.jar"
       "${JMH_INCLUDE:-ModelEpochBenchmark|CatalogueScalingBenchmark}" -p "model=$(echo $models | tr ' ' ',')"
       -rf json -rff "$out/$stamp.json" "$@")
  printf '%q ' "${jmh[@]}" | sed "s#$run/bench#BENCH#g" >> "$commands"
  echo >> "$commands"
  "${jmh[@]}" 2>&1 | tee -a "$log"
fi

if [ -z "${SKIP_TRAIN:-}" ]; then
  for m in $models; do
    # the README's Last.fm parity flags; each model's published defaults come with --model
    train=(java -jar "$run/engine/bm3.jar" train --data "$shared/lastfm2k_mm" --dataset lfm2k
           --modality text=all-MiniLM-L6-v2.npy --modality audio=whisper.npy --threads 1 --seed 999)
    if [ "$m" = bm3-fast ]; then train+=(--model bm3 --set train_mode=fast); else train+=(--model "$m"); fi
    if [ -n "${EPOCHS:-}" ]; then train+=(--set "epochs=$EPOCHS"); fi
    train+=(--out "$run/runs/$m")
    printf '%q ' "${train[@]}" | sed "s#$run/engine#ENGINE#g; s#$run/runs#RUNS#g" >> "$commands"
    echo >> "$commands"
    echo "# training $m on Last.fm" | tee -a "$log"
    t0=$EPOCHREALTIME
    "${train[@]}" >> "$log" 2>&1
    t1=$EPOCHREALTIME
    mkdir -p "$out/$stamp-runs/$m"
    cp "$run/runs/$m"/{metrics.json,epochs.csv,manifest.json,config.yaml} "$out/$stamp-runs/$m/"
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' > "$out/$stamp-runs/$m.wall"
    tail -1 "$log"
  done
fi

kill $sampler 2>/dev/null || true
{
  echo "# load after: $(uptime)"
  echo "# load average every 30 s during the run (1, 5, 15 min):"
  sed 's/^/#   /' "$run/load.log"
} | tee -a "$log"
cp "$commands" "$out/$stamp-commands.txt"
java -cp "$run/bench/benchmarks.jar" dev.bm3.bench.SuiteReport --jmh "$out/$stamp.json" \
    --trials "$out/$stamp-trials.jsonl" --runs "$out/$stamp-runs" --commands "$out/$stamp-commands.txt" \
    --load "$run/load.log" --git "$rev" --out "$out/$stamp.md"
