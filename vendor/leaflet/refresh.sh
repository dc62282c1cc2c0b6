#!/usr/bin/env bash
# Refresh the vendored Leaflet from its npm package (the npm registry, `npm pack`): the minified script,
# the stylesheet and the licence, checked against the integrity hash npm publishes for that version.
# Usage: vendor/leaflet/refresh.sh [VERSION]   (default: the version pinned below)
# After a version change, update README.md here (version, date, integrity) and run the browser tests.
set -euo pipefail
VERSION="${1:-1.9.4}"
# The npm registry's `dist.integrity` of leaflet@1.9.4 (sha512 of the tarball, base64).
PINNED_INTEGRITY="sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
tarball="$(npm pack "leaflet@${VERSION}" --silent)"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
published="$(npm view "leaflet@${VERSION}" dist.integrity)"
if [ "$actual" != "$published" ]; then
  echo "error: $tarball does not match the integrity npm publishes ($published)" >&2
  exit 1
fi
if [ "$VERSION" = "1.9.4" ] && [ "$actual" != "$PINNED_INTEGRITY" ]; then
  echo "error: leaflet@1.9.4 is not the tarball this project pinned ($PINNED_INTEGRITY)" >&2
  exit 1
fi
tar -xzf "$tarball"
cp package/dist/leaflet.js package/dist/leaflet.css package/LICENSE "$here/"
echo "leaflet@${VERSION} copied to $here ($actual)"
