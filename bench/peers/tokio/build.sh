#!/bin/sh
# Builds the tokio peer offline against Debian's crate sources.
# Usage: build.sh [TARGET_DIR]   (default: $CARGO_TARGET_DIR, else ./target)
# Last stdout line: path of the binary. Exit 3: cargo or tokio sources missing
# (a runner should skip this peer); exit 1: the build itself failed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
registry=/usr/share/cargo/registry   # must match .cargo/config.toml

target=${1:-${CARGO_TARGET_DIR:-$here/target}}
mkdir -p "$target"
target=$(cd "$target" && pwd)

cargo=${CARGO:-}
if [ -z "$cargo" ]; then
    if command -v cargo >/dev/null 2>&1; then
        cargo=$(command -v cargo)
    elif [ -x "${HOME:-/root}/.cargo/bin/cargo" ]; then
        cargo=${HOME:-/root}/.cargo/bin/cargo
    fi
fi
if [ -z "$cargo" ] || ! "$cargo" --version >/dev/null 2>&1; then
    echo "tokio peer: cargo not found (install Rust or set CARGO=/path/to/cargo)" >&2
    exit 3
fi

if ! ls -d "$registry"/tokio-1.* >/dev/null 2>&1; then
    echo "tokio peer: no tokio sources in $registry (apt-get install librust-tokio-dev)" >&2
    exit 3
fi

# cargo reads .cargo/config.toml (the Debian source replacement) from the cwd.
cd "$here"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! CARGO_TARGET_DIR="$target" "$cargo" build --release --offline >"$log" 2>&1; then
    cat "$log" >&2
    if grep -Eq 'no matching package|failed to select a version|failed to load source|failed to get .* as a dependency' "$log"; then
        echo "tokio peer: a needed crate is missing from $registry (see above)" >&2
        exit 3
    fi
    echo "tokio peer: cargo build failed" >&2
    exit 1
fi
cat "$log" >&2
echo "$target/release/tokio-peer"
