#!/usr/bin/env bash
# Mutation testing (cargo-mutants) against the unit tests only: which rules could break
# without a unit test noticing. Not in CI: it rebuilds once per mutant (an hour or more).
#
#   scripts/mutants.sh [FILE_GLOB...] [-- CARGO_MUTANTS_ARGS...]
#
# Without a glob it covers the files whose rules guard "never a wrong address": decide, state,
# json, namecheap, dyndns2, http and detect. Results go to target/mutants/mutants.out/
# (missed.txt lists the mutants no unit test caught); the counts per file are printed last.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo mutants --version >/dev/null 2>&1; then
  cargo install cargo-mutants --locked
fi

globs=()
extra=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then
    shift
    extra=("$@")
    break
  fi
  globs+=("$1")
  shift
done
if [ ${#globs[@]} -eq 0 ]; then
  globs=(src/decide.rs src/state.rs src/json.rs src/provider/namecheap.rs
    src/provider/dyndns2.rs src/http.rs 'src/detect/*.rs')
fi

args=()
for g in "${globs[@]}"; do
  args+=(--file "$g")
done
out=target/mutants
mkdir -p "$out"
# `--bin ddnsup`: the unit tests only; the integration tests would catch more, slowly.
status=0
nice -n 10 cargo mutants --output "$out" "${args[@]}" ${extra[@]+"${extra[@]}"} \
  -- --bin ddnsup || status=$?

echo "== per file: caught missed timeout unviable"
dir="$out/mutants.out"
for f in $(cat "$dir"/caught.txt "$dir"/missed.txt "$dir"/timeout.txt "$dir"/unviable.txt \
  2>/dev/null | cut -d: -f1 | sort -u); do
  count() { grep -c "^$f:" "$dir/$1" 2>/dev/null || true; }
  printf '%-32s %6s %6s %7s %8s\n' "$f" "$(count caught.txt)" "$(count missed.txt)" \
    "$(count timeout.txt)" "$(count unviable.txt)"
done
# cargo-mutants exits 2 when some mutants were missed: a report, not a failure of this script.
if [ "$status" -ne 0 ] && [ "$status" -ne 2 ] && [ "$status" -ne 3 ]; then
  exit "$status"
fi
