#!/bin/sh
# The report's browser test needs Debian's Chromium and a CJK font; install them when absent.
# Without root or apt-get the browser test skips with its reason, the rest of the suite runs.
set -e
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || true
    apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
else
    echo "install-browser: not root or no apt-get; the browser test will be skipped" >&2
fi
