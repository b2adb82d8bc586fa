#!/bin/sh
# Prints which of OpenWrt ddns-scripts' services (tests/data/ddns-scripts-services.md) ddnsup
# serves, by which provider or preset, why the others are not served, and the totals.
# Extra arguments go to cargo, e.g. `scripts/served.sh --no-default-features` for the router
# build without the API providers. The report is the unit test
# provider::aliases::tests::served_report, which also fails when a listed service is
# neither served nor given a reason.
set -eu
cd "$(dirname "$0")/.."
out=$(cargo test -q --bin ddnsup "$@" -- --exact provider::aliases::tests::served_report \
    --nocapture --test-threads 1 2>&1) || { printf '%s\n' "$out" >&2; exit 1; }
printf '%s\n' "$out" | grep -E '^(served|not served|total): '
