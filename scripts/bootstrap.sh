#!/usr/bin/env bash
# Installs what the project needs from its own files: npm packages (exact, from package-lock.json), the Kafka
# broker's jars from Maven Central (cached outside git), and from Debian the CJK font the PDF reports embed
# (fonts-noto-cjk) plus the PDF tools their tests use (poppler-utils). Idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "bootstrap: '$1' is required ($2)" >&2; exit 1; }; }
need node "Node.js 20.19+ or 22"
need npm "comes with Node.js"
need java "Java 17+ runs the local Kafka broker"
need mvn "Maven fetches the Kafka jars from Maven Central"

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (!((a===20&&b>=19)||a>=22)) { console.error("bootstrap: Node.js 20.19+ or 22.13+ is required, found "+process.version); process.exit(1) }'

stamp=node_modules/.ajx-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  # `npm install` honours package-lock.json like `npm ci` but tolerates optional platform packages that this
  # machine's registry does not serve (npm ci refuses a lock without them).
  echo "bootstrap: installing npm packages" >&2
  npm install --no-audit --no-fund --loglevel=error >&2
  touch "$stamp"
fi

# PDF reports (libs/report-rendering) embed Noto Sans CJK SC from Debian's fonts-noto-cjk; their tests read the PDFs
# back with pdftotext/pdftoppm/pdffonts (poppler-utils). See docs/reports.md.
report_font="${AJX_REPORT_FONT_FILE:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"
if [ ! -f "$report_font" ] || ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
  || ! command -v pdffonts >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing fonts-noto-cjk and poppler-utils (Debian packages)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends fonts-noto-cjk poppler-utils >&2
  else
    echo "bootstrap: PDF reports need the font file $report_font and pdftotext/pdftoppm/pdffonts;" \
      "install the Debian packages fonts-noto-cjk and poppler-utils" \
      "(sudo apt-get install --no-install-recommends fonts-noto-cjk poppler-utils)," \
      "or set AJX_REPORT_FONT_FILE and AJX_REPORT_FONT_FAMILY to another CJK font" >&2
    exit 1
  fi
  [ -f "$report_font" ] || { echo "bootstrap: $report_font is still missing after installing fonts-noto-cjk" >&2; exit 1; }
fi

# The console's end-to-end tests drive Debian's Chromium with playwright-core (which never downloads a browser).
chromium_bin="${PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium_bin" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing chromium (Debian package) for the console's browser tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends chromium >&2
  else
    echo "bootstrap: the console's browser tests need Chromium at $chromium_bin" \
      "(sudo apt-get install chromium, or set PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH)" >&2
    exit 1
  fi
fi

node deploy/kafka/local-kafka.cjs fetch

# promtool (checks and unit-tests the Prometheus alert rules in deploy/prometheus) from Debian's `prometheus` package:
# only the binary is unpacked into the cache, so no Prometheus server is installed or started.
prom_dir="${AJX_CACHE_DIR:-$HOME/.cache/ajx-hub}/promtool"
if ! command -v promtool >/dev/null 2>&1 && [ ! -x "$prom_dir/promtool" ]; then
  command -v apt-get >/dev/null 2>&1 || { echo "bootstrap: promtool is required (Debian package prometheus)" >&2; exit 1; }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if ! (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1); then
    [ "$(id -u)" = 0 ] || { echo "bootstrap: cannot download the Debian package prometheus (run apt-get update as root)" >&2; exit 1; }
    apt-get update -qq >&2
    (cd "$tmp" && apt-get download prometheus >&2)
  fi
  dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/x"
  mkdir -p "$prom_dir"
  cp "$tmp/x/usr/bin/promtool" "$prom_dir/promtool.tmp" && mv "$prom_dir/promtool.tmp" "$prom_dir/promtool"
  echo "bootstrap: promtool $("$prom_dir/promtool" --version 2>&1 | head -1 | cut -d' ' -f3) in $prom_dir" >&2
fi
