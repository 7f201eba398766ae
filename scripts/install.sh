#!/usr/bin/env bash
# Builds yaguts (release) and installs it as a systemd service:
#   PREFIX/lib/yaguts/yaguts               the binary, with yaguts_App.resources beside it
#   PREFIX/bin/yaguts                      a symlink to it
#   /etc/systemd/system/yaguts.service     deploy/yaguts.service, paths set to PREFIX
#   /etc/yaguts/yaguts.conf                deploy/yaguts.conf, only if there is none yet
#   PREFIX/share/doc/yaguts/               deploy.md, upgrading.md, the nginx site, docs/ops
#
#   scripts/install.sh [--prefix /usr/local] [--destdir DIR] [--binary PATH]
#     --destdir  install under DIR (packaging, tests); no systemctl is run
#     --binary   install this already-built binary (its resources beside it) instead of building
# Then: edit /etc/yaguts/yaguts.conf, `yaguts check-config --config /etc/yaguts/yaguts.conf`,
# `systemctl enable --now yaguts`, and put nginx in front (docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=/usr/local destdir="" binary=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --destdir) destdir=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    *) echo "install: unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -z "$binary" ]; then
  ./scripts/setup-deps.sh
  ./scripts/stamp-build.sh
  echo "install: building release (swift build -c release --product yaguts)" >&2
  swift build -c release --product yaguts >&2
  binary=.build/release/yaguts
fi
resources="$(dirname "$binary")/yaguts_App.resources"
[ -x "$binary" ] && [ -d "$resources" ] || { echo "install: $binary or $resources missing" >&2; exit 1; }

lib="$destdir$prefix/lib/yaguts"
install -d "$lib" "$destdir$prefix/bin" "$destdir/etc/systemd/system" "$destdir/etc/yaguts" "$destdir$prefix/share/doc/yaguts"
install -m 755 "$binary" "$lib/yaguts.new" && mv -f "$lib/yaguts.new" "$lib/yaguts"
rm -rf "$lib/yaguts_App.resources.new"
cp -R "$resources" "$lib/yaguts_App.resources.new"
rm -rf "$lib/yaguts_App.resources" && mv "$lib/yaguts_App.resources.new" "$lib/yaguts_App.resources"
ln -sfn ../lib/yaguts/yaguts "$destdir$prefix/bin/yaguts"

sed -e "s|/usr/local/lib/yaguts/yaguts|$prefix/lib/yaguts/yaguts|g" \
    -e "s|/usr/local/share/doc/yaguts|$prefix/share/doc/yaguts|g" \
    deploy/yaguts.service > "$destdir/etc/systemd/system/yaguts.service"
chmod 644 "$destdir/etc/systemd/system/yaguts.service"
if [ ! -e "$destdir/etc/yaguts/yaguts.conf" ]; then
  install -m 644 deploy/yaguts.conf "$destdir/etc/yaguts/yaguts.conf"
else
  echo "install: keeping the existing /etc/yaguts/yaguts.conf" >&2
fi
install -m 644 docs/deploy.md docs/upgrading.md deploy/nginx-yaguts.conf "$destdir$prefix/share/doc/yaguts/"
cp -R docs/ops "$destdir$prefix/share/doc/yaguts/"

echo "install: $("$lib/yaguts" --version) installed in $destdir$prefix" >&2
if [ -z "$destdir" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  echo "install: next: edit /etc/yaguts/yaguts.conf, then systemctl enable --now yaguts" >&2
fi
