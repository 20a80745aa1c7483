#!/bin/sh
# The browser tests drive Debian's Chromium (Playwright cannot download browsers here).
# Installs it, and CJK fonts for readable screenshots, when missing and we are root.
set -e
need=""
[ -x /usr/bin/chromium ] || need="chromium"
fc-list 2>/dev/null | grep -qi "noto.*cjk" || need="$need fonts-noto-cjk"
[ -z "$need" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "The browser tests need Debian packages:$need. Install them with:" >&2
  echo "  sudo apt-get install -y$need" >&2
  exit 1
fi
echo "installing$need (Debian packages) for the browser tests"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
