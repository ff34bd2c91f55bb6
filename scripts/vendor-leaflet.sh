#!/bin/sh
# Vendors Leaflet from the npm registry at a pinned version into partners/static/vendor/leaflet
# (the map of the actors, docs/territories.md). Usage: scripts/vendor-leaflet.sh [VERSION]
set -eu
VERSION="${1:-1.9.4}"
TARGET="$(dirname "$0")/../src/maillage/partners/static/vendor/leaflet"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack "leaflet@$VERSION" --silent >/dev/null && tar xzf "leaflet-$VERSION.tgz")
rm -rf "$TARGET"
mkdir -p "$TARGET/images"
cp "$WORK/package/dist/leaflet.js" "$WORK/package/dist/leaflet.css" "$WORK/package/LICENSE" "$TARGET/"
cp "$WORK/package/dist/images/"*.png "$TARGET/images/"
echo "leaflet@$VERSION (npm registry), dist/ files and LICENSE, vendored by scripts/vendor-leaflet.sh" > "$TARGET/VERSION"
echo "Leaflet $VERSION vendored in $TARGET"
