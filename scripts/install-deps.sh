#!/usr/bin/env bash
# Installs the Debian 12 packages mops needs to build and test; installs only
# what is missing, so running it again is cheap. Works as root or via sudo.
set -euo pipefail

PACKAGES=(
  cmake g++ ninja-build pkg-config
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc
  libprotobuf-dev protobuf-compiler
  librocksdb-dev libabsl-dev
  libgtest-dev libgmock-dev
  libcli11-dev libssl-dev openssl tzdata
  libcurl4-openssl-dev libcpp-httplib-dev libyaml-cpp-dev
)

# The chat bridge (clients/chatbot) and the webhook receiver example run on
# Node.js. A machine that has it
# from elsewhere (NodeSource's nodejs ships npm) keeps it; mixing Debian's
# npm into that would conflict.
if ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
