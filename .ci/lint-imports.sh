#!/bin/bash
# DESIGN §2: nothing above the kernel seam can reach libc. Four checks:
#  1. every import in a target above the seam is on that target's allow-list (attributes,
#     `import struct M.x` forms, submodules and trailing comments are all parsed);
#  2. the C module they may import, CRdmaABI, includes only kernel UAPI headers (the libc
#     wrappers live in CRdmaSys, which only RdmaLinux imports);
#  3. no Synchronization.Mutex anywhere (TSan cannot see it; RdmaKit's `Locked` instead);
#  4. a probe that imports each allowed module and calls getpid()/open() must fail to compile
#     (and the same probe with Glibc must compile, so the check can fail).
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0

# FoundationEssentials is on no list: its JSONDecoder and ProcessInfo cost every run a million
# instructions (Docs/performance.md, "Start-up"); swift-argument-parser still links it.
declare -A allowed=(
    [RdmaKit]="CRdmaABI CRdmaLock Synchronization"
    [RdmaEmulator]="RdmaKit CRdmaABI CRdmaLock Synchronization"
    [RdmaCommands]="RdmaKit RdmaLinux RdmaEmulator ArgumentParser Synchronization"
    [rdmactl]="RdmaCommands RdmaLinux"
)
for target in "${!allowed[@]}"; do
    while IFS= read -r hit; do
        file=${hit%%:*}; rest=${hit#*:}; line=${rest%%:*}; text=${rest#*:}
        module=$(sed -E 's,//.*$,,; s/^[[:space:]]*(@[A-Za-z_]+(\([^)]*\))?[[:space:]]+)*import[[:space:]]+((typealias|struct|class|enum|protocol|let|var|func)[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*).*/\5/' <<<"$text")
        if ! grep -qw -- "$module" <<<"${allowed[$target]}"; then
            echo "$file:$line: '$module' may not be imported by $target (allowed: ${allowed[$target]})"; fail=1
        fi
    done < <(grep -rnE '^[[:space:]]*(@[A-Za-z_]+(\([^)]*\))?[[:space:]]+)*import[[:space:]]' "Sources/$target" --include='*.swift' || true)
done

# Handles are made only below the seam (DESIGN §2): KernelHandle's id and init are the
# KernelSeam SPI, which only the two kernels (and the tests) may import.
spi=$(grep -rnE '@_spi\(KernelSeam\)[[:space:]]+import' Sources --include='*.swift' \
      | grep -vE '^Sources/(RdmaLinux|RdmaEmulator)/' || true)
if [ -n "$spi" ]; then echo "the KernelSeam SPI (making handles) is imported above the seam:"; echo "$spi"; fail=1; fi

bad=$(grep -nE '^[[:space:]]*#[[:space:]]*include' Sources/CRdmaABI/include/CRdmaABI.h \
      | grep -vE '<(linux|rdma|asm|asm-generic)/[^>]+>|<stddef\.h>|<stdint\.h>' || true)
if [ -n "$bad" ]; then echo "CRdmaABI.h includes a non-UAPI header:"; echo "$bad"; fail=1; fi
# CRdmaLock (the sanitizer-visible lock) is opaque: its header includes nothing at all.
bad=$(grep -nE '^[[:space:]]*#[[:space:]]*include' Sources/CRdmaLock/include/CRdmaLock.h || true)
if [ -n "$bad" ]; then echo "CRdmaLock.h includes a header (it must stay opaque):"; echo "$bad"; fail=1; fi

# Shared state is locked with RdmaKit's `Locked` (a pthread mutex), never Synchronization.Mutex:
# on Linux the thread sanitizer cannot see that Mutex, so `swift test --sanitize=thread` would
# report every access it guards as a race and could not find a real one (issue 10).
mutex=$(grep -rnE '\bMutex[<(]' Sources Tests --include='*.swift' || true)
if [ -n "$mutex" ]; then echo "Synchronization.Mutex is invisible to TSan; use Locked (RdmaKit/Concurrency/Locked.swift):"; echo "$mutex"; fail=1; fi

probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'module CRdmaABI { header "%s" export * }\nmodule CRdmaLock { header "%s" export * }\n' \
    "$PWD/Sources/CRdmaABI/include/CRdmaABI.h" "$PWD/Sources/CRdmaLock/include/CRdmaLock.h" > "$probe/module.modulemap"
for module in CRdmaABI CRdmaLock Synchronization; do
    printf 'import %s\nlet _ = getpid()\n' "$module" > "$probe/p.swift"
    if swiftc -typecheck -I "$probe" "$probe/p.swift" >/dev/null 2>&1; then
        echo "libc is reachable through $module (getpid() compiled)"; fail=1
    fi
done
printf 'import Glibc\nlet _ = getpid()\n' > "$probe/p.swift"
swiftc -typecheck "$probe/p.swift" >/dev/null 2>&1 || { echo "lint probe is broken: getpid() through Glibc did not compile"; fail=1; }

[ $fail = 0 ] && echo "imports ok: nothing above the seam reaches libc"
exit $fail
