#!/bin/bash
# The release artifact (DESIGN §2: it runs on cluster nodes without a Swift runtime):
#
#   swift build -c release --static-swift-stdlib --disable-local-rpath   + libstdc++ linked statically
#
# usage: Scripts/build-release.sh [more swift build options, e.g. --scratch-path DIR --product rdmactl]
#
# --disable-local-rpath: no RUNPATH $ORIGIN — the binary loads only system libraries, and the
# loader otherwise probed its directory's glibc-hwcaps/tls subdirectories for each of them (27
# failed stats, a tenth of an empty listing's start-up; Docs/performance.md).
#
# libstdc++ statically: the Swift runtime is C++, and --static-swift-stdlib still links it with a
# plain -lstdc++ (the toolchain's static-stdlib-args.lnk), so every run loaded libstdc++.so.6 and,
# through it, bound its symbols and ran its initialisers: 1.0 ms of `rdmactl --version`'s 3.4
# (`perf stat -r 500`; Docs/performance.md, Start-up). A directory holding only libstdc++.a, first
# on the library path (swiftc -L comes before the toolchain's own), makes that -lstdc++ the
# archive: ld takes the first directory that has either form. The GCC Runtime Library Exception
# allows linking it into any program. Where no archive is installed the build goes on with the
# shared library, and says so.
#
# packages: libstdc++-12-dev
set -euo pipefail
cd "$(dirname "$0")/.."

archive=$(clang -print-file-name=libstdc++.a 2>/dev/null || true)
[ -f "$archive" ] || archive=$(c++ -print-file-name=libstdc++.a 2>/dev/null || true)
extra=()
if [ -f "$archive" ]; then
    dir=$PWD/.build-libstdc++
    mkdir -p "$dir"
    ln -sfn "$archive" "$dir/libstdc++.a"
    extra=(-Xswiftc -L -Xswiftc "$dir")
else
    echo "build-release: no libstdc++.a (apt-get install libstdc++-12-dev): libstdc++ stays a shared library" >&2
fi
exec swift build -c release --static-swift-stdlib --disable-local-rpath "${extra[@]}" "$@"
