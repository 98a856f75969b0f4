#!/usr/bin/env bash
# The portal supports Python 3.11 to 3.13 (pyproject.toml). The locks are made on 3.11; this
# checks that every locked runtime package, at its locked version and hash, has a wheel for
# 3.11, 3.12 and 3.13 on this machine's platform (or is one of the few pure-Python packages
# published only as a source archive, listed by name), so a server on a newer Debian or
# Ubuntu installs the same lock without a compiler. It downloads, so it needs PyPI: run by
# `make lock` and `make audit`, not by `make test`.
set -euo pipefail
py=${PY:-.venv/bin/python}
# Published by Alibaba Cloud as a source archive only; pure Python, nothing to compile.
source_only="alibabacloud-tea"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
arch=$(uname -m)
platforms=()
for tag in manylinux_2_28 manylinux_2_17 manylinux2014 manylinux_2_5 manylinux1; do
  platforms+=(--platform "${tag}_${arch}")
done
# pip checks the lock's hashes itself: a file whose hash is not in the lock is refused.
grep -v -E "^($(echo "$source_only" | tr ' ' '|'))==" requirements.txt |
  awk '/^[A-Za-z0-9]/ {keep = 1} keep' >"$tmp/wheels.txt"
for version in 3.11 3.12 3.13; do
  if ! "$py" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
    --python-version "$version" "${platforms[@]}" -r "$tmp/wheels.txt" -d "$tmp/$version" \
    2>"$tmp/err"; then
    grep -v 'is ignored' "$tmp/err" >&2
    echo "Python $version: a locked package has no wheel (above)" >&2
    exit 1
  fi
  echo "Python $version: $(ls "$tmp/$version" | wc -l) locked packages with a wheel; source only: $source_only"
done
