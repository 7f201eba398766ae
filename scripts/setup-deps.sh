#!/usr/bin/env bash
# Installs what Yaguts needs on Debian, only what is missing, and says so.
#   setup-deps.sh          build and run: libuv, SQLite and libcrypt headers, pkg-config
#   setup-deps.sh --test   also what the tests use: curl, python3-venv (pytest,
#                          websockets, h11, selenium, axe-core-python go into .venv via pip),
#                          node (UI unit tests), chromium + chromium-driver (browser tests),
#                          gcc-xtensa-lx106 (firmware size check), libmbedtls-dev +
#                          openssl (firmware OTA signatures; the TLS test's certificate),
#                          nginx-light + wrk (the HTTP comparison benchmark's smoke run;
#                          nginx also fronts the TLS deployment test), prometheus
#                          (promtool and a real Prometheus for the monitoring test), systemd
#                          (systemd-analyze verify checks the service unit)
#   setup-deps.sh --bench  nginx-light and wrk only
set -euo pipefail
want=(libuv1-dev libsqlite3-dev libcrypt-dev pkg-config)
case "${1:-}" in
  --test) want+=(curl python3-venv python3-pip chromium chromium-driver gcc-xtensa-lx106 libmbedtls-dev openssl make g++ nginx-light wrk prometheus systemd)
          command -v node >/dev/null 2>&1 || want+=(nodejs) ;;
  --bench) want+=(nginx-light wrk) ;;
esac
missing=()
for p in "${want[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing with apt-get: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "${1:-}" = "--test" ]; then
  # The venv is rebuilt only when Tests/requirements.txt changes.
  stamp=.venv/.requirements
  if [ ! -x .venv/bin/python ] || ! cmp -s Tests/requirements.txt "$stamp"; then
    echo "setup: installing into .venv with pip: $(grep -v '^#' Tests/requirements.txt | tr '\n' ' ')" >&2
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r Tests/requirements.txt
    cp Tests/requirements.txt "$stamp"
  fi
fi
