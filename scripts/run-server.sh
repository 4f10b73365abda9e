#!/usr/bin/env bash
# README command (1): install what is missing, build (Release) and run mopsd
# on 127.0.0.1 with its data in ./data under the checkout. Extra arguments go
# to mopsd (e.g. --listen 127.0.0.1:9000). Ctrl-C stops the server cleanly.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DMOPS_BUILD_TESTS=OFF > /dev/null
cmake --build build-release --target mopsd mops

LISTEN="127.0.0.1:7878"
DATA="$ROOT/data"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --listen) LISTEN="${args[$((i + 1))]}" ;;
    --listen=*) LISTEN="${args[$i]#--listen=}" ;;
    --data-dir) DATA="${args[$((i + 1))]}" ;;
    --data-dir=*) DATA="${args[$i]#--data-dir=}" ;;
  esac
done
# Our defaults go first only for the flags not given.
defaults=()
[[ " $* " == *" --listen"* ]] || defaults+=(--listen "$LISTEN")
[[ " $* " == *" --data-dir"* ]] || defaults+=(--data-dir "$DATA")
MOPS="$ROOT/build-release/clients/cli/mops"

cat <<MSG

mopsd is starting on $LISTEN with its data in $DATA
On the first start it creates the user 'admin' and writes its token to
$DATA/admin.token. In another terminal:

  $MOPS login --server $LISTEN --token-file $DATA/admin.token
  $MOPS whoami

Stop the server with Ctrl-C.

MSG
exec "$ROOT/build-release/services/server/mopsd" "${defaults[@]}" "$@"
