#!/usr/bin/env bash
# The system packages the test suite drives for real: git (every test repository), Chromium
# (the report page and the edge router in a headless browser), a throwaway Ceph radosgw (the
# S3 store), curl and openssl (the README's signed-push script). `npm test` runs this first,
# so a fresh Debian machine needs nothing but Node and npm; it installs only what is missing.
set -euo pipefail

missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
[ -x /usr/bin/chromium ] || [ -n "${TESSERA_CHROMIUM:-}" ] || missing+=(chromium)
for tool in radosgw ceph-mon ceph-osd; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the system packages the tests need: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" ca-certificates >/dev/null
else
  echo "The tests need these system packages: ${missing[*]}." >&2
  echo "Install them (Debian/Ubuntu: sudo apt-get install --no-install-recommends ${missing[*]}), then run npm test again." >&2
  exit 1
fi
