#!/bin/bash
# DESIGN §2: targets above the kernel seam import FoundationEssentials, never Foundation, Glibc or
# Musl, so no client code can reach libc around the seam. Below the seam: RdmaLinux, the C shims.
set -euo pipefail
cd "$(dirname "$0")/.."
above="Sources/RdmaKit Sources/RdmaEmulator Sources/RdmaCommands Sources/rdmactl"
bad=$(grep -rnE '^\s*(@_exported\s+)?import\s+(Foundation|Glibc|Musl|Darwin|FoundationNetworking|FoundationXML)\s*$' $above || true)
if [ -n "$bad" ]; then
    echo "forbidden import above the seam:"; echo "$bad"; exit 1
fi
echo "imports ok"
