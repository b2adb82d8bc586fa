#!/usr/bin/env bash
# footprint.sh: peak RSS and wall time of one ddnsup run, next to inadyn and ddclient; and
# what a DNS echo or NAT-PMP address source saves over an HTTPS web source.
#
# First table. Two situations per tool, each run REPS times (median reported):
#   nothing to do  the address source reports the address the tool's state already holds
#   update         the tool's state holds an older address, so it sends one update
# All three tools talk HTTPS to the same loopback mock (scripts/footprint/mock.py): the address
# source at /ip and the Namecheap endpoint at /update. The mock and every measured run live in
# a network namespace of their own that has only `lo`, so nothing can leave the machine.
# The mock's request log proves, for every run, that an update was sent (update) or not
# (nothing to do); a tool that does not behave is reported as such, with no numbers.
#
# Second table. ddnsup with nothing to do, the same binary and config except `[ip] sources`:
# once the HTTPS web source (https://127.0.0.1:PORT/ip, the mock above), once the DNS echo
# source dns:opendns@127.0.0.1:DNSPORT (scripts/footprint/dnsmock.py, a UDP responder in the
# same namespace answering myip.opendns.com A IN) and once the router source
# natpmp@127.0.0.1:NATPORT (the same responder's NAT-PMP socket). Wall, CPU (user+sys) and the
# ratios HTTPS / DNS and HTTPS / NAT-PMP, median of ECHO_REPS runs. The mocks' logs prove that
# each run asked its one source exactly once, the others not at all, and sent no update. When a mipsel build exists
# (target/cross/mipsel-unknown-linux-musl/release/ddnsup or DDNSUP_MIPSEL_BIN), the same three
# runs again under `qemu-mipsel-static -cpu 24Kc`: emulated wall and CPU are a rough proxy for a
# slow router CPU, not a measurement of one. Without it that part is skipped with a note.
#
# Peak RSS: "Maximum resident set size" of `/usr/bin/time -v`. Wall: a microsecond clock
# ($EPOCHREALTIME) around the same `/usr/bin/time -v` call, since its "Elapsed" field only has
# 10 ms steps; the harness floor (the same wrapper around /bin/true) is printed for reference.
# CPU: "User time" + "System time" of the same `/usr/bin/time -v`, which prints hundredths of
# a second; since a native ddnsup run takes a few milliseconds, the same command is also run
# (separately, interleaved) as the direct child of scripts/footprint/cpurun.py, which reads
# the microsecond rusage of wait4().
#
# Usage (as root; installs time, openssl, inadyn, ddclient, iproute2, util-linux, python3 if
# missing; builds target/release/ddnsup):
#   scripts/footprint.sh
# Environment: FOOTPRINT_REPS (default 5), FOOTPRINT_ECHO_REPS (second table, default 11),
# DDNSUP_BIN (use this binary, skip the build), DDNSUP_MIPSEL_BIN (the mipsel build for the
# emulated rows), FOOTPRINT_QEMU (the emulator command, default "qemu-mipsel-static -cpu
# 24Kc"), FOOTPRINT_QUICKACK=0 (keep delayed ACKs on loopback; see inner()), FOOTPRINT_RT=0
# (nice -10 instead of the real-time class for the measurement phase; see below).
# The binaries are copied into the work dir first, so a concurrent rebuild cannot swap them
# between runs. The report goes to stdout, progress to stderr.
set -euo pipefail
export LC_ALL=C

OLD_IP=81.2.69.160   # public, not documentation/private space (ddnsup refuses those)
NEW_IP=81.2.69.161
PASSWORD=0123456789abcdef0123456789abcdef
RUN_TIMEOUT=60       # seconds; a hung tool is killed, and reported as failed

say() { printf '%s\n' "$*" >&2; }
die() { say "footprint: $*"; exit 1; }

# ---------------------------------------------------------------------------------------
# Inner phase: runs inside `unshare --net`, with the work dir prepared by the outer phase.
# ---------------------------------------------------------------------------------------
inner() {
    local W=$FP_WORK
    local M=$W/mock
    MOCK_PIDS=()   # global: the EXIT trap runs after this function has returned
    # shellcheck disable=SC2317
    inner_cleanup() {
        local pid
        for pid in "${MOCK_PIDS[@]}"; do
            if kill -0 "$pid" 2>/dev/null; then
                kill "$pid" 2>/dev/null || true
                wait "$pid" 2>/dev/null || true
            fi
        done
    }
    trap inner_cleanup EXIT
    trap 'exit 130' INT TERM

    ip link set lo up
    if ip -o link show | grep -qv ' lo:'; then
        die "the namespace has interfaces besides lo; refusing to run"
    fi
    # Immediate ACKs on this namespace's loopback routes. A client that writes its TLS
    # Finished and its request as two small segments with Nagle on (all three do) otherwise
    # waits for the mock's delayed ACK, ~40 ms per connection on loopback: a stall between
    # two kernels, not work of the client measured. FOOTPRINT_QUICKACK=0 measures with it.
    QUICKACK=off
    if [[ ${FP_QUICKACK:-1} != 0 ]]; then
        if ip route change local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 \
                table local quickack 1 2>/dev/null &&
            ip route change local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 \
                table local quickack 1 2>/dev/null; then
            QUICKACK=on
        else
            say "footprint: could not set quickack on the loopback routes; delayed ACKs stay"
        fi
    fi
    echo "$QUICKACK" >"$W/quickack"

    mkdir -p "$M"
    printf '%s' "$OLD_IP" >"$M/ip"
    : >"$M/requests.log"
    : >"$M/dns.log"
    # The HTTPS mock (address source and provider) and the UDP DNS echo responder; both read
    # the address from $M/ip on every request.
    "$FP_PY" "$FP_HERE/footprint/mock.py" --dir "$M" --cert "$W/tls/server.pem" \
        --key "$W/tls/server.key" --port-file "$M/port" 2>"$M/mock.stderr" &
    MOCK_PIDS+=($!)
    "$FP_PY" "$FP_HERE/footprint/dnsmock.py" --dir "$M" --log "$M/dns.log" \
        --port-file "$M/dnsport" --natpmp-port-file "$M/natport" 2>"$M/dnsmock.stderr" &
    MOCK_PIDS+=($!)
    local _ f i
    for i in 0 1; do
        f=$M/port; [[ $i -eq 1 ]] && f=$M/dnsport
        for _ in $(seq 100); do
            [[ -s $f ]] && break
            kill -0 "${MOCK_PIDS[$i]}" 2>/dev/null ||
                die "mock exited: $(cat "$M/mock.stderr" "$M/dnsmock.stderr")"
            sleep 0.05
        done
        [[ -s $f ]] || die "mock did not start ($f)"
    done
    for _ in $(seq 100); do [[ -s $M/natport ]] && break; sleep 0.05; done
    local PORT DNSPORT NATPORT
    PORT=$(cat "$M/port")
    DNSPORT=$(cat "$M/dnsport")
    NATPORT=$(cat "$M/natport")
    local BASE=127.0.0.1:$PORT
    local CA=$W/tls/ca.pem

    # --- configurations -----------------------------------------------------------------
    mkdir -p "$W/ddnsup" "$W/inadyn/cache" "$W/ddclient"
    cat >"$W/ddnsup/config.toml" <<EOF
state_file = "$W/ddnsup/state.json"
timeout = 10
ca_file = "$CA"

[ip]
sources = ["https://$BASE/ip"]

[[record]]
provider = "namecheap"
server = "https://$BASE"
host = "home"
domain = "example.com"
password = "$PASSWORD"
EOF
    cat >"$W/inadyn/inadyn.conf" <<EOF
# Namecheap through inadyn's generic (custom) plugin; its built-in namecheap plugin has a
# fixed server name.
ca-trust-file = $CA
custom footprint {
    ssl            = true
    username       = example.com
    password       = $PASSWORD
    hostname       = home
    ddns-server    = $BASE
    ddns-path      = "/update?domain=%u&password=%p&host=%h&ip=%i"
    checkip-server = $BASE
    checkip-path   = /ip
    checkip-ssl    = true
}
EOF
    cat >"$W/ddclient/ddclient.conf" <<EOF
daemon=0
timeout=10
ssl=yes
ssl_ca_file=$CA
web-ssl-validate=yes
use=web, web=https://$BASE/ip
protocol=namecheap
server=$BASE
login=example.com
password=$PASSWORD
home.example.com
EOF
    # Second table: one config per address source, otherwise identical (the record's server
    # is still the HTTPS mock, as on a router); each has its own state file.
    mkdir -p "$W/echo"
    local src
    for src in https dns natpmp; do
        local source_url=https://$BASE/ip
        [[ $src == dns ]] && source_url=dns:opendns@127.0.0.1:$DNSPORT
        [[ $src == natpmp ]] && source_url=natpmp@127.0.0.1:$NATPORT
        cat >"$W/echo/$src.toml" <<EOF
state_file = "$W/echo/$src.state.json"
timeout = 10
ca_file = "$CA"

[ip]
sources = ["$source_url"]

[[record]]
provider = "namecheap"
server = "https://$BASE"
host = "home"
domain = "example.com"
password = "$PASSWORD"
EOF
    done
    chmod 600 "$W/ddnsup/config.toml" "$W/inadyn/inadyn.conf" "$W/ddclient/ddclient.conf" \
        "$W/echo/https.toml" "$W/echo/dns.toml" "$W/echo/natpmp.toml"
    local QEMU=()
    read -r -a QEMU <<<"$FP_QEMU"

    # --- the commands -------------------------------------------------------------------
    cmd_of() {
        case $1 in
            ddnsup) CMD=("$FP_DDNSUP" -c "$W/ddnsup/config.toml") ;;
            inadyn) CMD=(inadyn --once --foreground -f "$W/inadyn/inadyn.conf"
                         --cache-dir "$W/inadyn/cache" -P "$W/inadyn/inadyn.pid") ;;
            ddclient) CMD=(ddclient -daemon=0 -foreground -file "$W/ddclient/ddclient.conf"
                           -cache "$W/ddclient/cache") ;;
            floor) CMD=(/bin/true) ;;
            echo:native:*) CMD=("$FP_DDNSUP" -c "$W/echo/${1##*:}.toml") ;;
            echo:emulated:*) CMD=("${QEMU[@]}" "$FP_MIPSEL" -c "$W/echo/${1##*:}.toml") ;;
        esac
    }

    # State snapshots: <tool>.old (holds OLD_IP) and <tool>.new (holds NEW_IP).
    snap() { # tool which
        case $1 in
            ddnsup) cp -p "$W/ddnsup/state.json" "$W/snap/ddnsup.$2" ;;
            inadyn) rm -rf "$W/snap/inadyn.$2"; cp -a "$W/inadyn/cache" "$W/snap/inadyn.$2" ;;
            ddclient) cp -p "$W/ddclient/cache" "$W/snap/ddclient.$2" ;;
        esac
    }
    # Restores a snapshot. The "old" one is also aged by an hour, as a cron run would find
    # it: ddclient skips a changed address within min-interval (30 s) of its last update.
    restore() { # tool which
        local hour_ago=$(( ${EPOCHREALTIME%.*} - 3600 ))
        case $1 in
            ddnsup) cp -p "$W/snap/ddnsup.$2" "$W/ddnsup/state.json" ;;
            inadyn)
                rm -rf "$W/inadyn/cache"; cp -a "$W/snap/inadyn.$2" "$W/inadyn/cache"
                if [[ $2 == old ]]; then
                    find "$W/inadyn/cache" -type f -exec touch -d "@$hour_ago" {} +
                fi
                ;;
            ddclient)
                if [[ $2 == old ]]; then
                    sed -E "s/(^|,)(mtime|atime)=[0-9]+/\1\2=$hour_ago/g" \
                        "$W/snap/ddclient.old" >"$W/ddclient/cache"
                else
                    cp -p "$W/snap/ddclient.new" "$W/ddclient/cache"
                fi
                ;;
        esac
        return 0
    }
    fresh() { # tool: no state at all
        case $1 in
            ddnsup) rm -f "$W/ddnsup/state.json" ;;
            inadyn) rm -rf "$W/inadyn/cache"; mkdir -p "$W/inadyn/cache" ;;
            ddclient) rm -f "$W/ddclient/cache" ;;
        esac
    }

    # One measured run. Sets RC, RSS (KiB), WALL_US, CPU_MS (user+sys of /usr/bin/time, in
    # 10 ms steps), NEWLOG and NEWDNS (the HTTPS and DNS mocks' log lines of it).
    measure() { # tool
        local CMD
        cmd_of "$1"
        local before dbefore t0 t1
        before=$(wc -l <"$M/requests.log")
        dbefore=$(wc -l <"$M/dns.log")
        t0=$EPOCHREALTIME
        set +e
        timeout -k 5 "$RUN_TIMEOUT" /usr/bin/time -v -o "$W/time.out" "${CMD[@]}" \
            >"$W/run.out" 2>&1
        RC=$?
        set -e
        t1=$EPOCHREALTIME
        WALL_US=$(( 10#${t1/./} - 10#${t0/./} ))
        RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$W/time.out")
        [[ -n $RSS ]] || RSS=0
        CPU_MS=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ {t += $2}
                             END {printf "%.0f", t * 1000}' "$W/time.out")
        NEWLOG=$(tail -n +"$((before + 1))" "$M/requests.log")
        NEWDNS=$(tail -n +"$((dbefore + 1))" "$M/dns.log")
    }

    # The same run as the direct child of cpurun.py: sets RC, EXACT (wait4's user+sys in us,
    # the wall in us, peak RSS in KiB), NEWLOG and NEWDNS.
    measure_exact() { # tool
        local CMD
        cmd_of "$1"
        local before dbefore out
        before=$(wc -l <"$M/requests.log")
        dbefore=$(wc -l <"$M/dns.log")
        out=$("$FP_PY" "$FP_HERE/footprint/cpurun.py" --timeout "$RUN_TIMEOUT" \
            --out "$W/run.out" -- "${CMD[@]}") || out="99 0 0 0"
        RC=${out%% *}
        EXACT=${out#* }
        NEWLOG=$(tail -n +"$((before + 1))" "$M/requests.log")
        NEWDNS=$(tail -n +"$((dbefore + 1))" "$M/dns.log")
    }

    # Checks the last run against the mock's log. Sets WHY (empty when fine).
    check() { # case expected_ip
        WHY=""
        local updates ips sent
        updates=$(awk -F'\t' '$3 == "/update" || $3 == "/nic/update"' <<<"$NEWLOG" | grep -c . || true)
        ips=$(awk -F'\t' '$3 == "/ip"' <<<"$NEWLOG" | grep -c . || true)
        if [[ $RC -ne 0 ]]; then
            WHY="exit status $RC: $(tail -n 3 "$W/run.out" | tr '\n' ' ')"
        elif [[ $ips -lt 1 ]]; then
            WHY="did not ask the address source"
        elif [[ $1 == nothing && $updates -ne 0 ]]; then
            WHY="sent $updates update request(s) although the address was unchanged"
        elif [[ $1 == update && $updates -ne 1 ]]; then
            WHY="sent $updates update requests instead of 1"
        elif [[ $1 == update ]]; then
            sent=$(awk -F'\t' '$3 == "/update" || $3 == "/nic/update" {print $4}' <<<"$NEWLOG" \
                | tr '&' '\n' | sed -nE 's/^(my)?ip=//p' | head -n 1)
            [[ $sent == "$2" ]] || WHY="sent ip=$sent instead of $2"
        fi
        return 0
    }

    # Checks a second-table run (prep: the first run, which must send one update; nothing:
    # must send none) against both mocks' logs: exactly one question to its own source, none
    # to the other. Sets WHY (empty when fine).
    check_echo() { # prep|nothing https|dns|natpmp
        WHY=""
        local updates ips queries answered want_ips=0 want_queries=0
        updates=$(awk -F'\t' '$3 == "/update" || $3 == "/nic/update"' <<<"$NEWLOG" | grep -c . || true)
        ips=$(awk -F'\t' '$3 == "/ip"' <<<"$NEWLOG" | grep -c . || true)
        queries=$(grep -c . <<<"$NEWDNS" || true)
        local asked=myip.opendns.com.
        [[ $2 == natpmp ]] && asked=natpmp
        answered=$(awk -F'\t' -v a="A $NEW_IP" -v q="$asked" '$3 == q && $5 == a' \
            <<<"$NEWDNS" | grep -c . || true)
        if [[ $2 == https ]]; then want_ips=1; else want_queries=1; fi
        if [[ $RC -ne 0 ]]; then
            WHY="exit status $RC: $(tail -n 3 "$W/run.out" | tr '\n' ' ')"
        elif [[ $ips -ne $want_ips ]]; then
            WHY="asked the HTTPS source $ips times instead of $want_ips"
        elif [[ $queries -ne $want_queries ]]; then
            WHY="asked the UDP sources $queries times instead of $want_queries"
        elif [[ $answered -ne $want_queries ]]; then
            WHY="the UDP mock did not answer $asked with $NEW_IP: $(tr '\t\n' '  ' <<<"$NEWDNS")"
        elif [[ $1 == nothing && $updates -ne 0 ]]; then
            WHY="sent $updates update request(s) although the address was unchanged"
        elif [[ $1 == prep && $updates -ne 1 ]]; then
            WHY="sent $updates update requests instead of 1"
        elif [[ $1 == prep ]]; then
            local sent
            sent=$(awk -F'\t' '$3 == "/update" {print $4}' <<<"$NEWLOG" | tr '&' '\n' \
                | sed -nE 's/^ip=//p' | head -n 1)
            [[ $sent == "$NEW_IP" ]] || WHY="sent ip=$sent instead of $NEW_IP"
        fi
        return 0
    }

    local TOOLS=(ddnsup inadyn ddclient)
    local tool case rep
    declare -A BROKEN=()
    mkdir -p "$W/snap" "$W/samples"

    # --- preparation: state at OLD_IP, then the first update to NEW_IP (also a warm-up) --
    for tool in "${TOOLS[@]}"; do
        fresh "$tool"
        measure "$tool"
        check update "$OLD_IP"
        if [[ -n $WHY ]]; then BROKEN[$tool]="first run: $WHY"; continue; fi
        snap "$tool" old
    done
    printf '%s' "$NEW_IP" >"$M/ip"
    for tool in "${TOOLS[@]}"; do
        [[ -n ${BROKEN[$tool]:-} ]] && continue
        restore "$tool" old
        measure "$tool"
        check update "$NEW_IP"
        if [[ -n $WHY ]]; then BROKEN[$tool]="preparing the update case: $WHY"; continue; fi
        snap "$tool" new
    done

    # --- measurement: interleaved, so slow drifts hit every tool alike ------------------
    for rep in $(seq "$FP_REPS"); do
        say "footprint: round $rep/$FP_REPS"
        measure floor
        echo "$RSS $WALL_US" >>"$W/samples/floor"
        for tool in "${TOOLS[@]}"; do
            for case in nothing update; do
                [[ -n ${BROKEN[$tool.$case]:-} || -n ${BROKEN[$tool]:-} ]] && continue
                if [[ $case == nothing ]]; then restore "$tool" new; else restore "$tool" old; fi
                measure "$tool"
                check "$case" "$NEW_IP"
                if [[ -n $WHY ]]; then
                    BROKEN[$tool.$case]="round $rep: $WHY"
                    continue
                fi
                echo "$RSS $WALL_US $(grep -c . <<<"$NEWLOG" || true)" >>"$W/samples/$tool.$case"
            done
        done
    done

    # Results for the outer phase: one line per tool and case.
    for tool in "${TOOLS[@]}"; do
        for case in nothing update; do
            local why=${BROKEN[$tool]:-${BROKEN[$tool.$case]:-}}
            if [[ -n $why ]]; then
                printf '%s\t%s\tFAIL\t%s\n' "$tool" "$case" "$why"
            else
                printf '%s\t%s\tOK\t%s\n' "$tool" "$case" "$W/samples/$tool.$case"
            fi
        done
    done >"$W/results"

    # --- second table: nothing to do, DNS echo source vs HTTPS web source ------------------
    # The mocks answer NEW_IP now. A first run per binary and source from no state sends the
    # one update (and warms up); its state is then restored before every measured run.
    local BINS=(native) bin k
    [[ -n $FP_MIPSEL ]] && BINS+=(emulated)
    for bin in "${BINS[@]}"; do
        for src in https dns natpmp; do
            k=echo.$bin.$src
            rm -f "$W/echo/$src.state.json"
            measure "echo:$bin:$src"
            check_echo prep "$src"
            if [[ -n $WHY ]]; then BROKEN[$k]="first run: $WHY"; continue; fi
            cp -p "$W/echo/$src.state.json" "$W/snap/$k"
        done
    done
    local order
    for rep in $(seq "$FP_ECHO_REPS"); do
        say "footprint: DNS vs HTTPS source, round $rep/$FP_ECHO_REPS"
        order=(https dns natpmp)
        [[ $((rep % 2)) -eq 0 ]] && order=(natpmp dns https)
        for bin in "${BINS[@]}"; do
            for src in "${order[@]}"; do
                k=echo.$bin.$src
                [[ -n ${BROKEN[$k]:-} ]] && continue
                cp -p "$W/snap/$k" "$W/echo/$src.state.json"
                measure "echo:$bin:$src"
                check_echo nothing "$src"
                if [[ -n $WHY ]]; then BROKEN[$k]="round $rep: $WHY"; continue; fi
                echo "$RSS $WALL_US $CPU_MS $(grep -c . <<<"$NEWLOG" || true) $(grep -c . <<<"$NEWDNS" || true)" \
                    >>"$W/samples/$k"
                cp -p "$W/snap/$k" "$W/echo/$src.state.json"
                measure_exact "echo:$bin:$src"
                check_echo nothing "$src"
                if [[ -n $WHY ]]; then BROKEN[$k]="round $rep (cpurun.py): $WHY"; continue; fi
                echo "$EXACT" >>"$W/samples/$k.exact"
            done
        done
    done
    for bin in native emulated; do
        for src in https dns natpmp; do
            k=echo.$bin.$src
            if [[ $bin == emulated && -z $FP_MIPSEL ]]; then
                continue
            elif [[ -n ${BROKEN[$k]:-} ]]; then
                printf '%s\t%s\tFAIL\t%s\n' "$bin" "$src" "${BROKEN[$k]}"
            else
                printf '%s\t%s\tOK\t%s\n' "$bin" "$src" "$W/samples/$k"
            fi
        done
    done >"$W/echo_results"
    cp "$M/requests.log" "$W/requests.log"
    cp "$M/dns.log" "$W/dns.log"
}

if [[ ${1:-} == --inner ]]; then
    inner
    exit 0
fi

# ---------------------------------------------------------------------------------------
# Outer phase: install, build, make the CA, run the inner phase in a new netns, report.
# ---------------------------------------------------------------------------------------
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")
REPS=${FOOTPRINT_REPS:-5}
[[ $REPS =~ ^[1-9][0-9]?$ ]] || die "FOOTPRINT_REPS must be 1..99"
ECHO_REPS=${FOOTPRINT_ECHO_REPS:-11}
[[ $ECHO_REPS =~ ^[1-9][0-9]?$ ]] || die "FOOTPRINT_ECHO_REPS must be 1..99"
QEMU_CMD=${FOOTPRINT_QEMU:-qemu-mipsel-static -cpu 24Kc}
[[ $(id -u) -eq 0 ]] || die "run as root (apt-get, unshare --net)"
[[ $(uname -m) == x86_64 ]] || say "footprint: note: this is $(uname -m), not x86_64"
START=$EPOCHREALTIME

WORK=""
POLICY_BACKUP=""
POLICY_OURS=0
outer_cleanup() {
    local rc=$?
    restore_policy
    if [[ -n $WORK && -d $WORK ]]; then
        local state
        for state in "$WORK/ddnsup/state.json" "$WORK/echo/https.state.json" \
                     "$WORK/echo/dns.state.json" "$WORK/echo/natpmp.state.json"; do
            remove_ddnsup_lock "$state"
        done
        rm -rf -- "$WORK"
    fi
    exit "$rc"
}
trap outer_cleanup EXIT
trap 'exit 130' INT TERM

# invoke-rc.d consults /usr/sbin/policy-rc.d: exit 101 forbids starting services, so the
# ddclient and inadyn packages cannot start their daemons while we install them.
block_services() {
    local p=/usr/sbin/policy-rc.d
    if [[ -e $p ]]; then
        POLICY_BACKUP=$(mktemp /usr/sbin/.policy-rc.d.footprint.XXXXXX)
        cp -p "$p" "$POLICY_BACKUP"
    fi
    printf '#!/bin/sh\n# written by ddnsup scripts/footprint.sh during apt-get install\nexit 101\n' >"$p"
    chmod 755 "$p"
    POLICY_OURS=1
}
restore_policy() {
    [[ $POLICY_OURS -eq 1 ]] || return 0
    if [[ -n $POLICY_BACKUP ]]; then
        mv -f "$POLICY_BACKUP" /usr/sbin/policy-rc.d
    else
        rm -f /usr/sbin/policy-rc.d
    fi
    POLICY_OURS=0
}

# ddnsup leaves its (empty) lock file in /run/lock; its name is FNV-1a of the state path.
remove_ddnsup_lock() {
    local name d
    name=$("${PY:-python3}" -c '
import sys
h = 0xcbf29ce484222325
for b in sys.argv[1].encode():
    h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
print("ddnsup-%016x.lock" % h)' "$1" 2>/dev/null) || return 0
    for d in /run/lock /run /var/run /tmp; do
        rm -f -- "$d/$name"
    done
}

# --- packages ---------------------------------------------------------------------------
declare -A NEED=([/usr/bin/time]=time [openssl]=openssl [inadyn]=inadyn [ddclient]=ddclient
                 [ip]=iproute2 [unshare]=util-linux [timeout]=coreutils [/usr/bin/python3]=python3
                 [/usr/share/perl5/IO/Socket/SSL.pm]=libio-socket-ssl-perl)
MISSING=()
for c in "${!NEED[@]}"; do
    command -v "$c" >/dev/null 2>&1 || [[ $c == /* && -e $c ]] || MISSING+=("${NEED[$c]}")
done
if [[ ${#MISSING[@]} -gt 0 ]]; then
    say "footprint: installing ${MISSING[*]}"
    block_services
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -q --no-install-recommends "${MISSING[@]}" >&2
    restore_policy
    for svc in ddclient inadyn; do
        if [[ " ${MISSING[*]} " == *" $svc "* ]]; then
            # Installed just now: keep them from starting at boot, and stop one that
            # started anyway (a machine without policy-rc.d support).
            if [[ -d /run/systemd/system ]]; then
                systemctl disable --now "$svc.service" >/dev/null 2>&1 || true
            else
                update-rc.d "$svc" disable >/dev/null 2>&1 || true
                for pf in "/run/$svc.pid" "/var/run/$svc.pid"; do
                    if [[ -s $pf ]]; then
                        pid=$(cat "$pf")
                        if [[ $pid =~ ^[0-9]+$ ]] && grep -q "$svc" "/proc/$pid/cmdline" 2>/dev/null; then
                            kill "$pid" 2>/dev/null || true
                        fi
                    fi
                done
            fi
        fi
    done
fi
PY=/usr/bin/python3

# --- ddnsup -----------------------------------------------------------------------------
if [[ -n ${DDNSUP_BIN:-} ]]; then
    DDNSUP=$(realpath "$DDNSUP_BIN")
else
    say "footprint: cargo build --release"
    (cd "$ROOT" && cargo build --release >&2)
    DDNSUP=$ROOT/target/release/ddnsup
fi
[[ -x $DDNSUP ]] || die "no ddnsup binary at $DDNSUP"

# --- work dir and TLS -------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ddnsup-footprint.XXXXXX")
mkdir -p "$WORK/tls"
(
    cd "$WORK/tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout ca.key -out ca.pem -days 2 -subj "/CN=ddnsup footprint test CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
    printf '%s\n' "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" \
        "subjectAltName=IP:127.0.0.1,DNS:localhost" >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
        -out server.pem -days 2 -extfile server.ext
    openssl verify -CAfile ca.pem server.pem
) >"$WORK/tls/openssl.log" 2>&1 || die "openssl failed: $(cat "$WORK/tls/openssl.log")"

# --- the binaries, frozen: a rebuild by someone else during the run cannot swap them -------
mkdir -p "$WORK/bin"
cp "$DDNSUP" "$WORK/bin/ddnsup"
DDNSUP_RUN=$WORK/bin/ddnsup
# The emulated rows of the second table: optional.
MIPSEL_RUN=""
MIPSEL_SRC=${DDNSUP_MIPSEL_BIN:-$ROOT/target/cross/mipsel-unknown-linux-musl/release/ddnsup}
read -r -a QEMU_ARGV <<<"$QEMU_CMD"
if [[ ! -f $MIPSEL_SRC ]]; then
    MIPSEL_NOTE="emulated rows skipped: no mipsel binary at $MIPSEL_SRC (scripts/cross-check.sh builds it; or set DDNSUP_MIPSEL_BIN)"
elif ! command -v "${QEMU_ARGV[0]:-}" >/dev/null 2>&1; then
    MIPSEL_NOTE="emulated rows skipped: ${QEMU_ARGV[0]:-the emulator} is not installed (apt-get install qemu-user-static)"
else
    cp "$MIPSEL_SRC" "$WORK/bin/ddnsup-mipsel"
    if v_mipsel=$("${QEMU_ARGV[@]}" "$WORK/bin/ddnsup-mipsel" -V 2>&1 | head -n 1) &&
        [[ $v_mipsel == ddnsup* ]]; then
        MIPSEL_RUN=$WORK/bin/ddnsup-mipsel
        MIPSEL_NOTE="emulated rows: $MIPSEL_SRC ($v_mipsel, built $(date -u -r "$MIPSEL_SRC" '+%F %H:%M UTC')) under \`$QEMU_CMD\`; qemu-user translates the MIPS code on the fly (its own start-up and translation included), so emulated wall and CPU are a rough proxy for a slow CPU, not a router measurement; the RSS shown there would be qemu's, so none is"
    else
        MIPSEL_NOTE="emulated rows skipped: $MIPSEL_SRC does not run under \`$QEMU_CMD\` ($v_mipsel)"
    fi
fi
[[ -n $MIPSEL_RUN ]] || say "footprint: $MIPSEL_NOTE"

# --- the measurement, inside a network namespace with only lo --------------------------
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# Other work on the machine (a build on the other core) otherwise adds most of the noise,
# so the measurement phase (mock, harness and the tools alike) runs in the real-time class
# SCHED_FIFO 10, above every normal task. Everything in it waits on I/O most of the time,
# each tool run is bounded by RUN_TIMEOUT, and the kernel's RT throttling keeps 5 % of
# every second for the rest. FOOTPRINT_RT=0, or a machine that refuses, uses nice -10.
PRIO=(nice -n -10)
PRIO_NOTE="nice -10"
if [[ ${FOOTPRINT_RT:-1} != 0 ]] && chrt -f 10 true 2>/dev/null; then
    PRIO=(chrt -f 10)
    PRIO_NOTE="SCHED_FIFO 10 (real-time class, above the machine's other work)"
fi
say "footprint: measuring in a new network namespace ($REPS + $ECHO_REPS rounds, $PRIO_NOTE)"
FP_WORK=$WORK FP_HERE=$HERE FP_PY=$PY FP_DDNSUP=$DDNSUP_RUN FP_REPS=$REPS \
    FP_ECHO_REPS=$ECHO_REPS FP_MIPSEL=$MIPSEL_RUN FP_QEMU=$QEMU_CMD \
    FP_QUICKACK=${FOOTPRINT_QUICKACK:-1} \
    "${PRIO[@]}" unshare --net -- "$BASH" "$SELF" --inner || die "the measurement phase failed"

# --- report -----------------------------------------------------------------------------
median() { # column file -> median of that column
    awk -v c="$1" '{print $c}' "$2" | sort -n | awk '
        {v[NR] = $1}
        END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
range_ms() { # file -> "min–max" of the wall column in ms
    awk '{print $2}' "$1" | sort -n | awk '
        NR == 1 {lo = $1} {hi = $1}
        END {printf "%.1f–%.1f", lo / 1000, hi / 1000}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.1f×", a / b; else print "n/a"}'; }

cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
cores=$(nproc)
v_ddnsup=$("$DDNSUP" -V 2>/dev/null | head -n 1)
v_inadyn="inadyn $(dpkg-query -W -f='${Version}' inadyn 2>/dev/null || inadyn -v)"
v_ddclient="ddclient $(dpkg-query -W -f='${Version}' ddclient 2>/dev/null || echo '?')"

declare -A R_RSS=() R_WALL=() R_WHY=() R_RANGE=()
while IFS=$'\t' read -r tool case status rest; do
    if [[ $status == OK ]]; then
        R_RSS[$tool.$case]=$(median 1 "$rest")
        R_WALL[$tool.$case]=$(median 2 "$rest")
        R_RANGE[$tool.$case]=$(range_ms "$rest")
    else
        R_WHY[$tool.$case]=$rest
    fi
done <"$WORK/results"

label() { [[ $1 == nothing ]] && echo "nothing to do" || echo "update"; }

echo "$(date -u) · $(uname -srm) · ${cpu:-unknown CPU} · $cores cores · $v_ddnsup · $v_inadyn and $v_ddclient (Debian packages) · median of $REPS runs each, against a loopback HTTPS mock in a network namespace"
echo
echo "| tool | case | peak RSS (KiB) | wall (ms) | RSS vs ddnsup | wall vs ddnsup |"
echo "|---|---|---:|---:|---:|---:|"
for tool in ddnsup inadyn ddclient; do
    for case in nothing update; do
        k=$tool.$case
        if [[ -n ${R_WHY[$k]:-} ]]; then
            echo "| $tool | $(label $case) | n/a | n/a | n/a | n/a |"
            continue
        fi
        rss=${R_RSS[$k]}
        wall_ms=$(awk -v u="${R_WALL[$k]}" 'BEGIN {printf "%.1f", u / 1000}')
        if [[ $tool == ddnsup ]]; then
            rr="1.0×"; wr="1.0×"
        elif [[ -n ${R_RSS[ddnsup.$case]:-} ]]; then
            rr=$(ratio "$rss" "${R_RSS[ddnsup.$case]}")
            wr=$(ratio "${R_WALL[$k]}" "${R_WALL[ddnsup.$case]}")
        else
            rr="n/a"; wr="n/a"
        fi
        printf '| %s | %s | %s | %s | %s | %s |\n' "$tool" "$(label $case)" "$(printf '%.0f' "$rss")" "$wall_ms" "$rr" "$wr"
    done
done
echo
floor_wall=$(median 2 "$WORK/samples/floor")
echo "Notes:"
for tool in ddnsup inadyn ddclient; do
    for case in nothing update; do
        k=$tool.$case
        if [[ -n ${R_WHY[$k]:-} ]]; then
            echo "- $tool, $(label $case): NOT MEASURED: ${R_WHY[$k]}"
        fi
    done
done
printf -- '- mock requests per run (address + update):'
for tool in ddnsup inadyn ddclient; do
    for case in nothing update; do
        k=$tool.$case
        [[ -n ${R_RANGE[$k]:-} ]] && printf ' %s/%s %s;' "$tool" "$case" "$(median 3 "$WORK/samples/$k")"
    done
done
echo
printf -- '- wall range over the runs (ms):'
for tool in ddnsup inadyn ddclient; do
    for case in nothing update; do
        k=$tool.$case
        [[ -n ${R_RANGE[$k]:-} ]] && printf ' %s/%s %s;' "$tool" "$case" "${R_RANGE[$k]}"
    done
done
echo
printf -- '- harness floor (the same timeout + /usr/bin/time -v around /bin/true): %.1f ms, included in every wall figure\n' \
    "$(awk -v u="$floor_wall" 'BEGIN {print u / 1000}')"
if [[ $(cat "$WORK/quickack" 2>/dev/null) == on ]]; then
    echo "- the netns loopback routes ACK at once (ip route ... quickack 1): with delayed ACKs, each HTTPS connection of all three tools stalls ~40 ms on loopback (Nagle on, the TLS Finished and the request leave as separate small segments); FOOTPRINT_QUICKACK=0 measures that"
else
    echo "- delayed ACKs left on (FOOTPRINT_QUICKACK=0): each connection of a client that writes small segments with Nagle on may stall ~40 ms"
fi
echo "- measurement phase scheduled as $PRIO_NOTE; load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- every run checked against the mock's request log: \"update\" sent exactly one /update with the new ip=, \"nothing to do\" asked /ip and sent no update"
echo "- endpoints: address source GET /ip; Namecheap GET /update (ddnsup and ddclient: their namecheap protocol; inadyn: a custom{} section with a Namecheap-style ddns-path)"

# --- report: second table ---------------------------------------------------------------
ms() { awk -v u="$1" -v d="$2" 'BEGIN {printf "%.*f", d, u / 1000}'; }
declare -A E_OK=() E_WHY=()
while IFS=$'\t' read -r bin src status rest; do
    if [[ $status == OK ]]; then E_OK[$bin.$src]=$rest; else E_WHY[$bin.$src]=$rest; fi
done <"$WORK/echo_results"

echo
echo "ddnsup with nothing to do: address from the DNS echo source and from the router by NAT-PMP vs the HTTPS web source (same binary, same config apart from [ip] sources; median of $ECHO_REPS runs each)"
echo
echo "| binary | address source | wall (ms) | CPU user+sys, time -v (ms) | CPU user+sys, wait4 (ms) | peak RSS (KiB) |"
echo "|---|---|---:|---:|---:|---:|"
for bin in native emulated; do
    [[ $bin == emulated && -z $MIPSEL_RUN ]] && continue
    if [[ $bin == native ]]; then bl="$(uname -m) native"; else bl="mipsel under qemu (emulated)"; fi
    declare -A W=() C=() X=() S=()
    for src in https dns natpmp; do
        k=$bin.$src
        case $src in
            https) sl="HTTPS (web, GET /ip)" ;;
            dns) sl="DNS echo (opendns, UDP)" ;;
            natpmp) sl="NAT-PMP (router, UDP)" ;;
        esac
        if [[ -z ${E_OK[$k]:-} ]]; then
            echo "| $bl | $sl | n/a | n/a | n/a | n/a |"
            continue
        fi
        f=${E_OK[$k]}
        W[$src]=$(median 2 "$f"); C[$src]=$(median 3 "$f"); X[$src]=$(median 2 "$f.exact")
        S[$src]=$(median 1 "$f")
        rss_cell=$(printf '%.0f' "${S[$src]}")
        [[ $bin == emulated ]] && rss_cell="–"
        printf '| %s | %s | %s | %s | %s | %s |\n' "$bl" "$sl" "$(ms "${W[$src]}" 1)" \
            "$(printf '%.0f' "${C[$src]}")" "$(ms "${X[$src]}" 2)" "$rss_cell"
    done
    if [[ -n ${W[https]:-} && -n ${W[dns]:-} ]]; then
        if awk -v c="${C[dns]}" 'BEGIN {exit !(c > 0)}'; then
            cr=$(ratio "${C[https]}" "${C[dns]}")
        else
            cr="n/a (DNS < 10 ms step)"
        fi
        rr=$(ratio "${S[https]}" "${S[dns]}")
        [[ $bin == emulated ]] && rr="–"
        printf '| %s | **ratio HTTPS / DNS** | %s | %s | %s | %s |\n' "$bl" \
            "$(ratio "${W[https]}" "${W[dns]}")" "$cr" "$(ratio "${X[https]}" "${X[dns]}")" "$rr"
    fi
    if [[ -n ${W[https]:-} && -n ${W[natpmp]:-} ]]; then
        if awk -v c="${C[natpmp]}" 'BEGIN {exit !(c > 0)}'; then
            cr=$(ratio "${C[https]}" "${C[natpmp]}")
        else
            cr="n/a (NAT-PMP < 10 ms step)"
        fi
        rr=$(ratio "${S[https]}" "${S[natpmp]}")
        [[ $bin == emulated ]] && rr="–"
        printf '| %s | **ratio HTTPS / NAT-PMP** | %s | %s | %s | %s |\n' "$bl" \
            "$(ratio "${W[https]}" "${W[natpmp]}")" "$cr" "$(ratio "${X[https]}" "${X[natpmp]}")" "$rr"
    fi
    unset W C X S
done
echo
echo "Notes:"
for k in native.https native.dns native.natpmp emulated.https emulated.dns emulated.natpmp; do
    [[ -n ${E_WHY[$k]:-} ]] && echo "- ${k/./, }: NOT MEASURED: ${E_WHY[$k]}"
done
[[ -n $MIPSEL_RUN ]] || echo "- $MIPSEL_NOTE"
echo "- wall: the harness of the first table (timeout + /usr/bin/time -v, $(ms "$floor_wall" 1) ms floor included). CPU, time -v: its \"User time\" + \"System time\", printed in 10 ms steps, so a run under 10 ms reads 0. CPU, wait4: the same command run again as the direct child of scripts/footprint/cpurun.py (interleaved, checked the same way), microsecond rusage; no wrapper's CPU included"
printf -- '- wall without any wrapper (cpurun.py, median):'
for k in native.https native.dns native.natpmp emulated.https emulated.dns emulated.natpmp; do
    [[ -n ${E_OK[$k]:-} ]] && printf ' %s %s ms;' "${k/./\/}" "$(ms "$(median 1 "${E_OK[$k]}.exact")" 2)"
done
echo
printf -- '- wall range over the runs (ms):'
for k in native.https native.dns native.natpmp emulated.https emulated.dns emulated.natpmp; do
    [[ -n ${E_OK[$k]:-} ]] && printf ' %s %s;' "${k/./\/}" "$(range_ms "${E_OK[$k]}")"
done
echo
echo "- sources: https://127.0.0.1:PORT/ip (the HTTPS mock above: TLS 1.3, P-256 certificate from a per-run CA in ca_file) and dns:opendns@127.0.0.1:DNSPORT (scripts/footprint/dnsmock.py: myip.opendns.com A IN answered with the question echoed, one A record, name pointer 0xC00C, TTL 0, class IN) and natpmp@127.0.0.1:NATPORT (the same mock's NAT-PMP socket: the 12-byte external-address reply)"
echo "- every run checked against both mocks' logs: the HTTPS-source run made exactly one GET /ip, no DNS query and no update; the DNS-source run made exactly one myip.opendns.com A IN query (answered $NEW_IP), the NAT-PMP run exactly one external-address request, and neither made an HTTPS request or an update; the state already held $NEW_IP (a first run per binary and source made it, then it was restored before each run)"
[[ -n $MIPSEL_RUN ]] && echo "- $MIPSEL_NOTE"
say "footprint: done in $(awk -v a="$START" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.0f", b - a}') s"
