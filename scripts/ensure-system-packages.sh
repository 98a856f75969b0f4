#!/usr/bin/env bash
# Make sure the Debian packages the given make target needs are present.
# As root, installs what is missing with apt-get; otherwise says what to install and fails.
# Usage: scripts/ensure-system-packages.sh run|test
set -euo pipefail

target=${1:-test}
missing=()

need() {  # need <debian-package> <test command...>
  local pkg=$1
  shift
  if ! "$@" >/dev/null 2>&1; then missing+=("$pkg"); fi
}

installed() {  # installed <debian-package>: dpkg knows it and it is unpacked and configured
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

need gettext command -v msgfmt
# WeasyPrint (the year-end report PDFs) loads Pango through cffi; the PDFs embed a CJK font.
need libpango-1.0-0 installed libpango-1.0-0
need libpangoft2-1.0-0 installed libpangoft2-1.0-0
need fonts-noto-cjk sh -c 'fc-list 2>/dev/null | grep -q "Noto Sans CJK"'
# HarfBuzz's subsetter cuts the CJK font for the PDFs (points/reports/pdf_font.py); without
# it WeasyPrint falls back to fontTools, several times slower per report.
need libharfbuzz-subset0 installed libharfbuzz-subset0
if [ "$target" = test ]; then
  need redis-server command -v redis-server
  need chromium test -x /usr/bin/chromium
  need postgresql sh -c 'ls /usr/lib/postgresql/*/bin/initdb'
  # The deployment test (tests/integration/test_deploy.py) runs the shipped nginx site.
  need nginx test -x /usr/sbin/nginx
  need openssl command -v openssl
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing missing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts a packaged redis-server at install time; the tests start their own.
  if [[ " ${missing[*]} " == *" redis-server "* ]]; then
    (service redis-server stop || pkill -x redis-server || true) >/dev/null 2>&1
  fi
  # Likewise nginx, on port 80: the deployment test starts its own on free loopback ports.
  if [[ " ${missing[*]} " == *" nginx "* ]]; then
    (service nginx stop || true) >/dev/null 2>&1
  fi
  exit 0
fi

cat >&2 <<MSG
These system packages are missing: ${missing[*]}
Install them first, as root:
    apt-get install ${missing[*]}
(make $target installs them itself when it runs as root.)
MSG
exit 1
