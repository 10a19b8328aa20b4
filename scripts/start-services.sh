#!/bin/sh
# Tests of workers and shared politeness use a real Redis on 127.0.0.1:6379 (tests/broker.py;
# FAZHI_TEST_REDIS_URL overrides it): started here, or installed from Debian's packages as root.
# Tests that need PostgreSQL use a real server on 127.0.0.1:5432 (FAZHI_TEST_PG_URL overrides it).
# This machine kind starts one before each session; on a machine where it is installed but
# stopped, start it; where it is missing and we are root, install it from Debian's packages
# and let local connections on 127.0.0.1 in without a password (a throwaway CI server).
set -e
redis_ready() { command -v redis-cli >/dev/null && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
start_redis() {
    redis_ready && return 0
    if ! command -v redis-server >/dev/null; then
        if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
            echo "start-services: Redis is not running and cannot be installed here; its tests will fail under CI" >&2
            return 0
        fi
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null || true
        apt-get install -y -qq --no-install-recommends redis-server >/dev/null
    fi
    # a throwaway server for the tests, on loopback only, gone with the machine
    redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no >/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do redis_ready && return 0; sleep 1; done
    echo "start-services: Redis did not come up on 127.0.0.1:6379" >&2
}
start_redis
ready() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }
ready && exit 0
if ! command -v pg_ctlcluster >/dev/null; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "start-services: PostgreSQL is not running and cannot be installed here; its tests will fail under CI" >&2
        exit 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || true
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    for hba in /etc/postgresql/*/main/pg_hba.conf; do
        sed -i 's/^\(host\s\+all\s\+all\s\+127\.0\.0\.1\/32\s\+\)\S\+/\1trust/' "$hba"
    done
fi
pg_lsclusters -h | while read -r version cluster _rest; do
    pg_ctlcluster "$version" "$cluster" start 2>/dev/null || true
done
for _ in 1 2 3 4 5 6 7 8 9 10; do ready && exit 0; sleep 1; done
echo "start-services: PostgreSQL did not come up on 127.0.0.1:5432" >&2
