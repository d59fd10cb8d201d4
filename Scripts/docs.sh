#!/usr/bin/env bash
# Builds the DocC reference of GumbelKit, the symbols of every module it re-exports included:
#
#   Scripts/docs.sh                      # .build/plugins/Swift-DocC/outputs/GumbelKit.doccarchive
#   Scripts/docs.sh --output-path site --transform-for-static-hosting   # more docc options
#
# GumbelKit declares nothing itself: it re-exports the library's modules (`@_exported import`).
# `swift package generate-documentation --target GumbelKit` alone documents a module's own
# symbols only, so its pages would be empty. swift-symbolgraph-extract includes the symbols of
# re-exported modules when they are named in `-experimental-allowed-reexported-modules`, which
# the DocC plugin has no option to pass: this script extracts GumbelKit's symbol graph with it
# (the modules named by the `@_exported import`s of Sources/GumbelKit/GumbelKit.swift) and hands
# it to the plugin as an additional symbol graph. Offline: the plugin comes from the package's
# dependencies and `docc` ships with the toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --target GumbelKit
bin=$(swift build --show-bin-path)
triple=$(swiftc -print-target-info | sed -n 's/^ *"triple": "\(.*\)",*$/\1/p' | head -n 1)
modules=$(sed -n 's/^@_exported import \([A-Za-z0-9_]*\).*/\1/p' Sources/GumbelKit/GumbelKit.swift | paste -sd, -)

# The C modules that the Swift modules import: SwiftPM's generated module maps, the packages'
# own, and the system-library targets' (zlib).
flags=(-I "$bin/Modules")
for map in "$bin"/*.build/module.modulemap Sources/*/include/module.modulemap Sources/*/module.modulemap \
           .build/checkouts/*/Sources/*/include/module.modulemap; do
  if [ -e "$map" ]; then flags+=(-Xcc "-fmodule-map-file=$map"); fi
done

graphs=.build/symbol-graphs/GumbelKit
rm -rf "$graphs"
mkdir -p "$graphs"
swift-symbolgraph-extract -module-name GumbelKit -target "$triple" "${flags[@]}" \
  -minimum-access-level public -experimental-allowed-reexported-modules="$modules" -output-dir "$graphs"

swift package generate-documentation --target GumbelKit --additional-symbol-graph-dir "$graphs" "$@"
