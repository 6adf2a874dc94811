#!/usr/bin/env bash
# Runs the whole-process benchmarks side by side with the seed baseline and the disk, in
# interleaved rounds, and prints one line per run (then summarise.py makes the tables).
#   bash bench/scripts/compare.sh [ROUNDS] [LARGE_MIB] > runs.log; python3 bench/scripts/summarise.py runs.log
# Each round waits (up to 60 s) for the 1-minute load average to fall below 1.0. Every run gets a
# fresh directory under $BENCH_TMP (default /tmp). SKIP_SEED_LARGE=1 leaves out the slow seed
# `large` runs (Python takes about a minute to generate 1 GiB of Gaussian floats); otherwise they
# run in the first SEED_LARGE_ROUNDS rounds (default 3).
set -euo pipefail
rounds=${1:-5}
large=${2:-1024}
root=$(cd "$(dirname "$0")/../.." && pwd)
seed="$root/../shared/peers/seed_python/bench.py"
tmp=${BENCH_TMP:-/tmp}
dotnet build -c Release "$root/bench/Checkpointing.Bench" -o "$tmp/ckpt-bench-bin" >/dev/null
bench="$tmp/ckpt-bench-bin/Checkpointing.Bench.dll"

wait_quiet() {
  for _ in $(seq 60); do
    awk '{exit !($1 < 1.0)}' /proc/loadavg && return
    sleep 1
  done
}

# run LABEL COMMAND...: prints "LABEL<TAB>wall seconds<TAB>peak RSS KiB<TAB>output on one line"
run() {
  local label=$1; shift
  local dir; dir=$(mktemp -d "$tmp/ckpt-bench-XXXXXX")
  local out; out=$(cd "$dir" && /usr/bin/time -f 'TIME %e %M' "$@" "$dir/run" 2>&1 | tr '\n' ' ')
  rm -rf "$dir"
  local t m; read -r t m <<<"$(grep -o 'TIME [0-9.]* [0-9]*' <<<"$out" | cut -d' ' -f2,3)"
  printf '%s\t%s\t%s\t%s\n' "$label" "$t" "$m" "$(sed 's/TIME [0-9.]* [0-9]*//' <<<"$out")"
}

dd_run() {
  local dir; dir=$(mktemp -d "$tmp/ckpt-bench-XXXXXX")
  local out; out=$(dd if=/dev/zero of="$dir/f" bs=4M count=256 conv=fsync 2>&1 | tail -1)
  rm -rf "$dir"
  printf 'dd conv=fsync 1 GiB\t%s\t0\t%s\n' "$(awk '{print $(NF-3)}' <<<"$out")" "$out"
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), $(dotnet --version), $(python3 --version)"
for r in $(seq "$rounds"); do
  wait_quiet
  echo "# round $r load $(cut -d' ' -f1 /proc/loadavg)"
  run "small 1000" dotnet "$bench" small 1000
  run "small-reflection 1000" dotnet "$bench" small-reflection 1000
  run "raw-replace 1000" dotnet "$bench" raw-replace 1000
  run "raw-append 1000" dotnet "$bench" raw-append 1000
  run "seed small 1000" python3 "$seed" small 1000
  run "seed small 1000 FSYNC=1" env FSYNC=1 python3 "$seed" small 1000
  dd_run
  run "large $large none" env COMPRESS=0 dotnet "$bench" large "$large"
  run "large $large zstd" env COMPRESS=1 dotnet "$bench" large "$large"
  run "large-async $large none" env COMPRESS=0 dotnet "$bench" large-async "$large"
  if [[ ${SKIP_SEED_LARGE:-0} != 1 && $r -le ${SEED_LARGE_ROUNDS:-3} ]]; then
    run "seed large $large gzip" python3 "$seed" large "$large"
    run "seed large $large gzip FSYNC=1" env FSYNC=1 python3 "$seed" large "$large"
  fi
  run "worklist 10000" dotnet "$bench" worklist 10000
  run "worklist 100000" dotnet "$bench" worklist 100000
done
