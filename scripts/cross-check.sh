#!/usr/bin/env bash
# cross-check.sh: owns the docker-free router build check: builds static, stripped ddnsup binaries
# for the router targets with zig (cargo-zigbuild), runs the project's update-cycle tests against
# each one under qemu-user with a realistic CPU, and holds each binary to its size budget.
#
# Usage: scripts/cross-check.sh [--panic-messages] [--out DIR] [TARGET[:slim]...]
#   TARGET            any of the six below; default: all six. The router targets (std from
#                     source: mips, mipsel, arm, armv7) build with every provider but without
#                     the importers (--features api; arm and armv7 with upnp too, MIPS
#                     without it); x86_64 and aarch64 with the defaults.
#                     TARGET:slim builds the small router build (--no-default-features: no
#                     JSON-API providers) with its own budget line
#   --panic-messages  keep panic messages in the std-from-source builds (drops
#                     -Cpanic=immediate-abort): ~80 KB more on mipsel, which is over its
#                     budget today; budgets still apply
#   --out DIR         copy each stripped binary that passed everything to DIR/ddnsup-TARGET
#
# What it installs when missing (idempotent, quiet; output kept in the log directory):
#   qemu-user-static (apt-get), a Python venv with ziglang + cargo-zigbuild (PyPI, pinned below)
#   under ${XDG_CACHE_HOME:-~/.cache}/ddnsup-cross, the rustup components rust-src + llvm-tools,
#   and the rust-std of the targets rustup ships (x86_64/aarch64 musl).
#
# How each target is built (`cargo zigbuild --locked --release --target T`, profile.release):
#   std from source: mips, mipsel (tier 3), arm, armv7 (no rust-std download on our machines):
#     RUSTC_BOOTSTRAP=1 on the stable toolchain, -Zbuild-std=std,panic_abort
#     -Zbuild-std-features=optimize_for_size, and rustflags
#       -Clink-self-contained=no     zig brings the musl crt objects
#       -Zlocation-detail=none       no file:line:col strings
#       -Zfmt-debug=shallow          derived Debug prints type/variant names only
#       -Cpanic=immediate-abort      a panic aborts at once, without a message
#       -Cforce-unwind-tables=no     nothing unwinds (plus -fno-unwind-tables for C code)
#   prebuilt std: x86_64, aarch64: plain stable build, as `cross build` users get it (with
#     -Cforce-unwind-tables=no).
#   Then llvm-strip: lld's --strip-all (`strip = true`) keeps non-alloc sections such as the
#   MIPS `.pdr` (~100 KB of the mipsel file); the stripped copy is what is tested and measured.
# Flags that only fit this zig path live here, in CARGO_TARGET_<T>_RUSTFLAGS (cargo merges them
# with .cargo/config.toml's per-target flags); a global RUSTFLAGS, which would replace all
# per-target flags, is folded into them instead.
#
# The cycle: tests/cycle.rs and tests/failures.rs are built once for the host and their
# CYCLE_TESTS are run against each binary through DDNSUP_TEST_BIN and DDNSUP_TEST_RUNNER (see
# tests/support/run.rs). Exactly those tests must run and pass: fewer (a renamed test) fails.
#
# Budgets: scripts/size-budget.txt, "TARGET MAX_BYTES" per line; a target without one fails.
# Environment: CROSS_CHECK_TARGET_DIR (default target/cross), CROSS_CHECK_CACHE (home of the
# venv and of zig's cache; default ${XDG_CACHE_HOME:-~/.cache}/ddnsup-cross).
# Exit: 0 all passed, 1 a target failed (see the table), 2 usage or setup error.
set -euo pipefail
export LC_ALL=C CARGO_TERM_COLOR=never

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ALL_TARGETS=(
    mips-unknown-linux-musl
    mipsel-unknown-linux-musl
    arm-unknown-linux-musleabihf
    armv7-unknown-linux-musleabihf
    aarch64-unknown-linux-musl
    x86_64-unknown-linux-musl
)
CYCLE_TESTS=(
    cycle:first_run_updates_and_remembers
    cycle:second_run_sends_nothing_and_leaves_the_state_file_untouched
    cycle:an_address_change_updates
    failures:wrong_password_exits_3_and_later_runs_send_nothing
)
# ziglang 0.15.2, not the newest: 0.16+ replace parts of musl (qsort, malloc) with larger Zig
# code, +13.5 KB on mipsel (0.13 cannot link mipsel). Bump only together with the budgets.
ZIGLANG_VERSION=0.15.2
ZIGBUILD_VERSION=0.24.1
BUDGET_FILE=$ROOT/scripts/size-budget.txt
TARGET_DIR=${CROSS_CHECK_TARGET_DIR:-$ROOT/target/cross}
CACHE=${CROSS_CHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ddnsup-cross}
VENV=$CACHE/venv-zig$ZIGLANG_VERSION-zigbuild$ZIGBUILD_VERSION
LOGS=$TARGET_DIR/logs

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'cross-check: %s\n' "$*" >&2; exit 2; }
show_log() { printf -- '-- last lines of %s:\n' "$1" >&2; tail -n "${2:-25}" "$1" >&2 || true; }

# --- per-target facts --------------------------------------------------------------------

# "source" when std must be built from source, "prebuilt" when rustup ships it.
std_kind() {
    case $1 in
        x86_64-unknown-linux-musl | aarch64-unknown-linux-musl) echo prebuilt ;;
        *) echo source ;;
    esac
}

# The command that runs a binary of this target on this host (empty: natively).
runner_for() {
    local host_arch
    host_arch=$(uname -m)
    case $1 in
        mips-unknown-linux-musl) echo "qemu-mips-static -cpu 24Kc" ;;
        mipsel-unknown-linux-musl) echo "qemu-mipsel-static -cpu 24Kc" ;;
        arm-unknown-linux-musleabihf) echo "qemu-arm-static -cpu arm1176" ;;
        armv7-unknown-linux-musleabihf) echo "qemu-arm-static -cpu cortex-a7" ;;
        aarch64-unknown-linux-musl)
            if [[ $host_arch == aarch64 ]]; then echo ""; else echo "qemu-aarch64-static -cpu cortex-a53"; fi ;;
        x86_64-unknown-linux-musl)
            if [[ $host_arch == x86_64 ]]; then echo ""; else echo "qemu-x86_64-static"; fi ;;
    esac
}

budget_for() {
    [[ -f $BUDGET_FILE ]] || return 0
    awk -v t="$1" '$1 == t { print $2; exit }' "$BUDGET_FILE"
}

# 1234567 -> 1,234,567
grouped() { printf '%s' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }

# --- arguments ---------------------------------------------------------------------------

PANIC_MESSAGES=0
OUT_DIR=
TARGETS=()
while (($#)); do
    case $1 in
        --panic-messages) PANIC_MESSAGES=1 ;;
        --out) [[ $# -ge 2 ]] || die "--out needs a directory"; OUT_DIR=$2; shift ;;
        --out=*) OUT_DIR=${1#--out=} ;;
        -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *)
            known=0
            for t in "${ALL_TARGETS[@]}"; do [[ ${1%:slim} == "$t" ]] && known=1; done
            ((known)) || die "unknown target $1; known: ${ALL_TARGETS[*]}"
            TARGETS+=("$1")
            ;;
    esac
    shift
done
((${#TARGETS[@]})) || TARGETS=("${ALL_TARGETS[@]}")
if [[ -n $OUT_DIR ]]; then
    mkdir -p "$OUT_DIR"
    OUT_DIR=$(cd "$OUT_DIR" && pwd)
fi
mkdir -p "$LOGS"
STARTED=$SECONDS

# --- setup (idempotent) ------------------------------------------------------------------

as_root() {
    if [[ $(id -u) == 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        die "need root (or sudo) for: $*"
    fi
}

apt_install() {
    local log=$LOGS/apt.log
    export DEBIAN_FRONTEND=noninteractive
    if ! as_root apt-get install -y -q "$@" >>"$log" 2>&1; then
        as_root apt-get update -q >>"$log" 2>&1 || { show_log "$log"; die "apt-get update failed"; }
        as_root apt-get install -y -q "$@" >>"$log" 2>&1 || { show_log "$log"; die "cannot install $*"; }
    fi
}

setup_qemu() {
    local need=0 t r
    for t in "${TARGETS[@]}"; do
        r=$(runner_for "${t%:slim}")
        [[ -z $r ]] || command -v "${r%% *}" >/dev/null || need=1
    done
    if ((need)); then
        say "installing qemu-user-static"
        apt_install qemu-user-static
    fi
}

setup_zig() {
    local log=$LOGS/venv.log
    if [[ ! -f $VENV/.complete ]]; then
        say "installing ziglang $ZIGLANG_VERSION and cargo-zigbuild $ZIGBUILD_VERSION into $VENV"
        command -v python3 >/dev/null || apt_install python3
        rm -rf "$VENV"
        mkdir -p "$CACHE"
        if ! python3 -m venv "$VENV" >>"$log" 2>&1; then
            rm -rf "$VENV"
            apt_install python3-venv
            /usr/bin/python3 -m venv "$VENV" >>"$log" 2>&1 || { show_log "$log"; die "cannot create a Python venv"; }
        fi
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
            "ziglang==$ZIGLANG_VERSION" "cargo-zigbuild==$ZIGBUILD_VERSION" >>"$log" 2>&1 ||
            { show_log "$log"; die "pip install of ziglang/cargo-zigbuild failed"; }
        touch "$VENV/.complete"
    fi
    # cargo finds `cargo-zigbuild` on PATH; cargo-zigbuild runs zig as `python3 -m ziglang`.
    export PATH=$VENV/bin:$PATH
    # zig's own build cache (musl, compiler-rt, libunwind per target) lives beside the venv.
    export ZIG_GLOBAL_CACHE_DIR=${ZIG_GLOBAL_CACHE_DIR:-$CACHE/zig-cache}
}

setup_rust() {
    local log=$LOGS/rustup.log t missing=()
    if ! command -v cargo >/dev/null || ! command -v rustc >/dev/null; then
        die "cargo/rustc not found (install Rust with rustup)"
    fi
    SYSROOT=$(rustc --print sysroot)
    HOST=$(rustc -vV | sed -n 's/^host: //p')
    local need_src=0
    for t in "${TARGETS[@]}"; do
        if [[ $(std_kind "${t%:slim}") == source ]]; then
            need_src=1
        elif [[ ! -d $SYSROOT/lib/rustlib/$t/lib ]]; then
            missing+=("$t")
        fi
    done
    local components=()
    ((need_src)) && [[ ! -f $SYSROOT/lib/rustlib/src/rust/library/Cargo.lock ]] && components+=(rust-src)
    [[ -x $SYSROOT/lib/rustlib/$HOST/bin/llvm-strip ]] || components+=(llvm-tools)
    if ((${#components[@]})); then
        say "rustup component add ${components[*]}"
        rustup component add "${components[@]}" >>"$log" 2>&1 || { show_log "$log"; die "rustup component add failed"; }
    fi
    if ((${#missing[@]})); then
        say "rustup target add ${missing[*]}"
        rustup target add "${missing[@]}" >>"$log" 2>&1 || { show_log "$log"; die "rustup target add failed"; }
    fi
    LLVM_BIN=$SYSROOT/lib/rustlib/$HOST/bin
}

# --- the host test harness, built once ---------------------------------------------------

declare -A TEST_EXE=()
build_harness() {
    local log=$LOGS/harness.log json=$LOGS/harness.json
    say "building the host test harness (tests/cycle.rs, tests/failures.rs)"
    if ! CARGO_TARGET_DIR=$TARGET_DIR cargo test --locked --no-run --test cycle --test failures \
        --message-format=json-render-diagnostics >"$json" 2>"$log"; then
        show_log "$log"
        die "the test harness does not build"
    fi
    local name exe
    while read -r name exe; do
        TEST_EXE[$name]=$exe
    done < <(python3 - "$json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("executable") \
            and m["target"]["kind"] == ["test"]:
        print(m["target"]["name"], m["executable"])
PY
)
    local t
    for t in "${CYCLE_TESTS[@]}"; do
        [[ -n ${TEST_EXE[${t%%:*}]:-} ]] || die "no test executable for tests/${t%%:*}.rs"
    done
}

# Runs the cycle tests against binary $2 of target $1; prints "passed/wanted".
run_cycle() {
    local target=${1%:slim} bin=$2 log=$LOGS/$1.cycle.log runner passed=0 ok=1 suite
    runner=$(runner_for "$target")
    : >"$log"
    for suite in $(printf '%s\n' "${CYCLE_TESTS[@]}" | cut -d: -f1 | sort -u); do
        local names=()
        for t in "${CYCLE_TESTS[@]}"; do [[ ${t%%:*} == "$suite" ]] && names+=("${t#*:}"); done
        if ! DDNSUP_TEST_BIN=$bin DDNSUP_TEST_RUNNER=$runner \
            "${TEST_EXE[$suite]}" --exact "${names[@]}" >>"$log" 2>&1; then
            ok=0
        fi
    done
    passed=$(sed -n 's/^test result: .*\. \([0-9]*\) passed;.*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
    ((passed == ${#CYCLE_TESTS[@]})) || ok=0
    echo "$passed/${#CYCLE_TESTS[@]}"
    ((ok))
}

# --- one target --------------------------------------------------------------------------

# Folded into every target's flags: a global RUSTFLAGS would replace per-target flags.
GLOBAL_FLAGS=${RUSTFLAGS:-}
if [[ -n ${CARGO_ENCODED_RUSTFLAGS:-} ]]; then
    GLOBAL_FLAGS="$GLOBAL_FLAGS ${CARGO_ENCODED_RUSTFLAGS//$'\x1f'/ }"
fi

declare -A BUILT=() CYCLE=() SIZE=() NOTE=()
FAILED=0

build_target() {
    local key=$1 target=${1%:slim} log=$LOGS/$1.build.log upper lower flags cflags
    upper=$(tr 'a-z-' 'A-Z_' <<<"$target")
    lower=${target//-/_}
    local rustflags_var=CARGO_TARGET_${upper}_RUSTFLAGS cflags_var=CFLAGS_$lower
    flags="${!rustflags_var:-} $GLOBAL_FLAGS -C force-unwind-tables=no"
    cflags="${!cflags_var:-} -fno-asynchronous-unwind-tables -fno-unwind-tables"
    local cargo_args=(zigbuild --locked --release --target "$target")
    local env_args=() target_dir=$TARGET_DIR
    if [[ $key == *:slim ]]; then
        cargo_args+=(--no-default-features)
        target_dir=$TARGET_DIR/slim
    elif [[ $(std_kind "$target") == source ]]; then
        # The router build: every provider, no importers (they run on any Linux box; 68 KB).
        # The MIPS builds leave out the upnp source too (16 KB; on the router itself
        # interface:, natpmp and pcp serve); the ARM ones keep it, since the armhf .deb (a
        # Raspberry Pi behind the router) is made from the armv7 build.
        case $target in
            mips*) cargo_args+=(--no-default-features --features api) ;;
            *) cargo_args+=(--no-default-features --features api,upnp) ;;
        esac
    fi
    if [[ $(std_kind "$target") == source ]]; then
        flags+=" -C link-self-contained=no -Z location-detail=none -Z fmt-debug=shallow"
        ((PANIC_MESSAGES)) || flags+=" -Z unstable-options -C panic=immediate-abort"
        # shellcheck disable=SC2054 # the commas belong to the flags
        cargo_args+=(-Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size)
        env_args+=(RUSTC_BOOTSTRAP=1)
    fi
    env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS "${env_args[@]}" \
        CARGO_TARGET_DIR="$target_dir" "$rustflags_var=$flags" "$cflags_var=$cflags" \
        cargo "${cargo_args[@]}" >"$log" 2>&1
}

check_target() {
    local key=$1 target=${1%:slim} t0=$SECONDS tdir=$TARGET_DIR
    [[ $key == *:slim ]] && tdir=$TARGET_DIR/slim
    local bin=$tdir/$target/release/ddnsup dist=$TARGET_DIR/dist/$key/ddnsup
    BUILT[$key]=no CYCLE[$key]=- SIZE[$key]=- NOTE[$key]=
    say "$key: building ($(std_kind "$target") std)"
    if ! build_target "$key"; then
        show_log "$LOGS/$key.build.log"
        NOTE[$key]="build failed"
        FAILED=1
        return
    fi
    mkdir -p "$(dirname "$dist")"
    rm -f "$dist"
    "$LLVM_BIN/llvm-strip" --strip-all -o "$dist" "$bin"
    if "$LLVM_BIN/llvm-readobj" --program-headers "$dist" | grep -q PT_INTERP; then
        NOTE[$key]="not static"
        FAILED=1
        return
    fi
    BUILT[$key]=yes
    local size budget
    size=$(stat -c %s "$dist")
    budget=$(budget_for "$key")
    SIZE[$key]=$(grouped "$size")
    if [[ -z $budget ]]; then
        NOTE[$key]="no budget in ${BUDGET_FILE#"$ROOT"/}"
        FAILED=1
    elif ((size > budget)); then
        SIZE[$key]+=" > $(grouped "$budget")"
        NOTE[$key]="over budget"
        FAILED=1
    else
        SIZE[$key]+=" <= $(grouped "$budget")"
    fi
    say "$key: built in $((SECONDS - t0)) s, $size bytes stripped; running the cycle"
    local t1=$SECONDS runner version
    runner=$(runner_for "$target")
    # shellcheck disable=SC2086 # the runner is a command line
    if ! version=$($runner "$dist" --version 2>&1) || [[ $version != ddnsup\ * ]]; then
        CYCLE[$key]="no"
        NOTE[$key]+="${NOTE[$key]:+; }does not start: ${version:0:60}"
        FAILED=1
        return
    fi
    local result
    if result=$(run_cycle "$key" "$dist"); then
        CYCLE[$key]="yes ($result)"
        if [[ -n $OUT_DIR && -z ${NOTE[$key]} ]]; then
            cp "$dist" "$OUT_DIR/ddnsup-$key"
        fi
    else
        CYCLE[$key]="no ($result)"
        NOTE[$key]+="${NOTE[$key]:+; }cycle failed, see ${LOGS#"$ROOT"/}/$key.cycle.log"
        grep -E '^test |panicked|^---- ' "$LOGS/$key.cycle.log" | head -n 20 >&2 || true
        FAILED=1
    fi
    say "$key: cycle ${CYCLE[$key]} in $((SECONDS - t1)) s"
}

# --- main --------------------------------------------------------------------------------

setup_qemu
setup_zig
setup_rust
say "setup done in $((SECONDS - STARTED)) s"
build_harness
for target in "${TARGETS[@]}"; do
    check_target "$target"
done

{
    echo
    printf '%-32s | %-5s | %-12s | %s\n' target built "cycle passed" "stripped size (bytes)"
    printf '%-32s-|-%-5s-|-%-12s-|-%s\n' "$(printf -- '-%.0s' {1..32})" ----- ------------ ---------------------
    for target in "${TARGETS[@]}"; do
        printf '%-32s | %-5s | %-12s | %s%s\n' "$target" "${BUILT[$target]}" "${CYCLE[$target]}" \
            "${SIZE[$target]}" "${NOTE[$target]:+  [${NOTE[$target]}]}"
    done
    echo
    mode="std from source: optimize_for_size, location-detail=none, fmt-debug=shallow"
    ((PANIC_MESSAGES)) || mode+=", panic=immediate-abort"
    echo "($mode; total $((SECONDS - STARTED)) s; logs in ${LOGS#"$ROOT"/})"
}
if ((FAILED)); then
    echo "cross-check: FAILED" >&2
    exit 1
fi
echo "cross-check: all ${#TARGETS[@]} target(s) passed"
