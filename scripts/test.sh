#!/usr/bin/env bash
# README command (2): install what is missing, build and run every test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build
cd build
ctest --output-on-failure --timeout 900 -j "$(nproc)"
