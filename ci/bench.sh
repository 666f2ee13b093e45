#!/usr/bin/env bash
# Builds the engine, builds the JMH benchmarks and runs the whole suite (or what the arguments
# select; they go to JMH unchanged, e.g. `ci/bench.sh -f 1 -wi 1 -i 3 GraphConvolution`).
# Writes benchmarks/results/<date>-<host>.json (JMH) and .txt (load before/after, the JMH log with
# the result checks and per-phase breakdowns, and the ratio table of dev.bm3.bench.Ratios).
#
# Environment: MVN_FLAGS (e.g. -o for an offline build), BM3_SHARED (the shared datasets
# directory; default ../shared/datasets relative to the repository root).
# OMP_WAIT_POLICY=passive: libgomp's spinning workers make 2-thread runs on a loaded 2-core
# machine several times slower (engine's native/README.md); passive is what the engine
# recommends, and it applies to LibTorch's ops and the native kernels alike, so the ratios stay fair.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mvn -B -ntp ${MVN_FLAGS:-} -q install -DskipTests
(cd benchmarks && mvn -B -ntp ${MVN_FLAGS:-} -q package)

shared=${BM3_SHARED:-$root/../shared/datasets}
stamp=$(date +%F)-$(hostname -s)
out=$root/benchmarks/results
mkdir -p "$out"
# a second run on the same day keeps the first
if [ -e "$out/$stamp.json" ]; then stamp=$stamp-$(date +%H%M); fi
# Run from a copy, so that rebuilding benchmarks/ during a long run cannot change the jar
# that JMH's forked JVMs load.
run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
cp -r benchmarks/target/benchmarks.jar benchmarks/target/lib "$run/"
{
  echo "# $(date -Is) $(hostname) $(nproc) cores; git $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty')"
  echo "# load before: $(uptime)"
} | tee "$out/$stamp.txt"
# other work on the machine shows up here (the benchmark itself adds ~1-3 to the load)
(while sleep 30; do echo "$(date +%T) $(cat /proc/loadavg)"; done > "$run/load.log") &
sampler=$!
trap 'kill $sampler 2>/dev/null || true; rm -rf "$run"' EXIT
OMP_WAIT_POLICY=passive java -Dbm3.shared="$shared" -jar "$run/benchmarks.jar" \
    -rf json -rff "$out/$stamp.json" "$@" 2>&1 | tee -a "$out/$stamp.txt"
kill $sampler 2>/dev/null || true
{
  echo "# load after: $(uptime)"
  echo "# load average every 30 s during the run (1, 5, 15 min):"
  sed 's/^/#   /' "$run/load.log"
} | tee -a "$out/$stamp.txt"
java -Dbm3.shared="$shared" -cp "$run/benchmarks.jar" dev.bm3.bench.Ratios "$out/$stamp.json" | tee -a "$out/$stamp.txt"
