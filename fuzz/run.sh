#!/usr/bin/env bash
# Fuzzes one reader of Checkpointing with AFL++ and SharpFuzz for a bounded time.
#
#   fuzz/run.sh checkpoint|journal SECONDS
#
# Installs what is missing (afl++ through apt when root, SharpFuzz.CommandLine into fuzz/.tools), builds
# fuzz/Checkpointing.Fuzz into its own artifacts directory (SharpFuzz rewrites Checkpointing.dll in place, so the
# normal build output is never touched), instruments that copy, runs afl-fuzz seeded with fuzz/corpus/TARGET, prints
# the statistics, and copies every crash and hang into tests/Checkpointing.Tests/Fuzzing/Regressions/TARGET/ (named by
# content hash), where the normal test suite replays them. Exits 1 when the run found any, 2 on a setup error.
#
# Environment: FUZZ_WORK (default ${TMPDIR:-/tmp}/checkpointing-fuzz) holds the build and the findings;
# FUZZ_RESUME=1 continues the previous run's queue instead of starting from the seeds.
set -euo pipefail

usage() { echo "usage: $0 checkpoint|journal SECONDS" >&2; exit 2; }
[ $# -eq 2 ] || usage
target="$1" seconds="$2"
case "$target" in checkpoint|journal) ;; *) usage ;; esac
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || usage

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${FUZZ_WORK:-${TMPDIR:-/tmp}/checkpointing-fuzz}"
tools="$root/fuzz/.tools"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v afl-fuzz >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing afl++..."
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
  else
    echo "afl-fuzz is missing; install the Debian package afl++ (as root: apt-get install afl++)." >&2
    exit 2
  fi
fi

if [ ! -x "$tools/sharpfuzz" ]; then
  echo "Installing SharpFuzz.CommandLine into $tools..."
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

# Build into a separate artifacts tree (its own bin and obj for every project), then instrument a fresh copy.
mkdir -p "$work"
dotnet build "$root/fuzz/Checkpointing.Fuzz/Checkpointing.Fuzz.csproj" -c Release --artifacts-path "$work/artifacts" -v quiet -nologo >"$work/build-$target.log" 2>&1 \
  || { cat "$work/build-$target.log" >&2; echo "The fuzz program did not build." >&2; exit 2; }
bin="$work/run-$target"
rm -rf "$bin"
cp -r "$work/artifacts/bin/Checkpointing.Fuzz/release" "$bin"
"$tools/sharpfuzz" "$bin/Checkpointing.dll" >/dev/null

out="$work/out-$target"
input="$root/fuzz/corpus/$target"
if [ "${FUZZ_RESUME:-0}" = 1 ] && [ -d "$out/default/queue" ]; then
  input="-"
else
  rm -rf "$out"
fi

dict=()
[ -f "$root/fuzz/$target.dict" ] && dict=(-x "$root/fuzz/$target.dict")

# dotnet is not an AFL-instrumented binary (SharpFuzz speaks the fork-server protocol itself); crashes are
# exceptions, not core dumps, so the core_pattern check does not matter; no CPU governor to check on a VM.
export AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 \
  AFL_FORKSRV_INIT_TMOUT=60000 AFL_NO_AFFINITY="${AFL_NO_AFFINITY:-1}"
echo "Fuzzing '$target' for ${seconds}s (findings in $out)..."
status=0
afl-fuzz -i "$input" -o "$out" -t 1000 -m none -V "$seconds" "${dict[@]}" -- dotnet "$bin/Checkpointing.Fuzz.dll" "$target" \
  >"$work/afl-$target.log" 2>&1 || status=$?
stats="$out/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
  tail -n 40 "$work/afl-$target.log" >&2
  echo "afl-fuzz exited with $status before writing statistics." >&2
  exit 2
fi

stat() { sed -n "s/^$1 *: *//p" "$stats"; }
echo "target=$target run_time=$(stat run_time)s execs_done=$(stat execs_done) execs_per_sec=$(stat execs_per_sec)" \
  "corpus_count=$(stat corpus_count) edges_found=$(stat edges_found) bitmap_cvg=$(stat bitmap_cvg)" \
  "saved_crashes=$(stat saved_crashes) saved_hangs=$(stat saved_hangs)"

regressions="$root/tests/Checkpointing.Tests/Fuzzing/Regressions/$target"
found=0
shopt -s nullglob
for kind in crashes hangs; do
  for f in "$out"/default/"$kind"/id:*; do
    mkdir -p "$regressions"
    name="${kind%es}"; name="${name%s}-$(sha256sum "$f" | cut -c1-16)"
    cp "$f" "$regressions/$name"
    echo "  $kind: $regressions/$name"
    found=$((found + 1))
  done
done

if [ "$found" -gt 0 ]; then
  echo "$found input(s) made the '$target' reader fail; they are kept as regression cases. Replay one with:" >&2
  echo "  dotnet $bin/Checkpointing.Fuzz.dll replay $target FILE" >&2
  exit 1
fi
