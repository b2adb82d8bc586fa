#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/, cargo-fuzz on nightly) and runs each for a bounded time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 60; no TARGET means every one `cargo fuzz list` names. Each run
# starts from the committed seeds (fuzz/corpus/<target>, never written) and grows its own corpus
# in fuzz/work/<target> (kept between runs, ignored by git). A crash, a hang (> 5 s on one
# input), an input that needs more than 512 MB or a leak fails the script; libFuzzer writes the
# input to fuzz/artifacts/<target>/ and `cargo +nightly fuzz run <target> <file>` replays it.
# Integer overflow is checked (debug assertions on). Execs per target are printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

secs="${1:-60}"
shift || true
case "$secs" in '' | *[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET] [TARGET...]" >&2; exit 2 ;; esac

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
  exit 2
fi

flags=(--debug-assertions --sanitizer address)
if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

echo "== building ${#targets[@]} fuzz targets"
for t in "${targets[@]}"; do
  cargo +nightly fuzz build "${flags[@]}" "$t"
done

logs="fuzz/work/logs"
mkdir -p "$logs"
failed=()
summary=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/work/$t" "fuzz/corpus/$t"
  echo "== $t: ${secs} s"
  log="$logs/$t.log"
  if cargo +nightly fuzz run "${flags[@]}" "$t" "fuzz/work/$t" "fuzz/corpus/$t" -- \
      -max_total_time="$secs" -rss_limit_mb=512 -timeout=5 -print_final_stats=1 \
      >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed+=("$t")
    grep -E "ERROR|SUMMARY|panicked|Test unit written|artifact_prefix" "$log" | head -20 >&2 || true
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  summary+=("$(printf '%-18s %12s execs  %s' "$t" "${execs:-?}" "$status")")
done

echo "== fuzzing summary (${secs} s per target; logs in $logs)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
