#!/usr/bin/env bash
# Copies the explorer page's front-end libraries from npm into static/vendor (committed, so
# nobody who runs the service needs Node.js). Versions are pinned in
# tools/explorer-vendor/package-lock.json; run this after changing them.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd tools/explorer-vendor && npm ci --silent --no-audit --no-fund)
mkdir -p static/vendor
src=tools/explorer-vendor/node_modules
cp "$src/cytoscape/dist/cytoscape.min.js" static/vendor/cytoscape.min.js
cp "$src/cytoscape/LICENSE" static/vendor/cytoscape.LICENSE
cp "$src/chart.js/dist/chart.umd.js" static/vendor/chart.umd.js
cp "$src/chart.js/LICENSE.md" static/vendor/chart.js.LICENSE.md
echo "vendored: $(ls static/vendor | tr '\n' ' ')"
