#!/usr/bin/env bash
# Records the commit being built in Sources/App/Build/COMMIT (a resource the
# binary reads for `--version`, /healthz and its first log line; not tracked by
# git). "-dirty" marks uncommitted changes. The file is rewritten only when the
# text changes, so an unchanged tree does not trigger a rebuild.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && ! git diff --quiet HEAD -- Sources Package.swift 2>/dev/null; then
  commit="$commit-dirty"
fi
target=Sources/App/Build/COMMIT
if [ "$(cat "$target" 2>/dev/null)" != "$commit" ]; then
  printf '%s\n' "$commit" > "$target.tmp" && mv "$target.tmp" "$target"
fi
