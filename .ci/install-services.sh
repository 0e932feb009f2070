#!/usr/bin/env bash
# Installs and starts what the tests need on a Debian bookworm machine, each only when missing:
# PostgreSQL 15 with pgvector (built from a newer Debian source package: bookworm has none for 15),
# Redis, and Prometheus/promtool. Idempotent; safe to run on every CI start.
set -euo pipefail

PG_MAJOR=15
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
apt_updated=0
apt_update() { if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi; }
apt_install() {
  apt_update
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- PostgreSQL ---------------------------------------------------------------------------
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

# --- pgvector -----------------------------------------------------------------------------
if [ ! -f "/usr/share/postgresql/$PG_MAJOR/extension/vector.control" ]; then
  echo "ci: building pgvector for PostgreSQL $PG_MAJOR from Debian source"
  if ! grep -rqs 'trixie' /etc/apt/sources.list.d/medicalcor-src.sources; then
    cat > /etc/apt/sources.list.d/medicalcor-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  apt_install "postgresql-server-dev-$PG_MAJOR" dpkg-dev build-essential
  work=$(mktemp -d)
  (cd "$work" && apt-get source -qq --download-only pgvector >/dev/null \
    && dpkg-source -x --no-check ./*.dsc src >/dev/null \
    && make -s -C src PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null \
    && make -s -C src PG_CONFIG="$PG_CONFIG" install >/dev/null)
  rm -rf "$work"
fi

# --- Redis --------------------------------------------------------------------------------
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

"$(dirname "$0")/start-redis-cluster.sh"  # 3-master Redis Cluster on 7001-7003 for the breaker/budget tests

# --- Prometheus (the SLA tests start their own server on a loopback port) ----------------------
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  apt_install prometheus
  # the package's service is not wanted: tests run their own instance
  pkill -x prometheus 2>/dev/null || true
fi
# --- Chromium (the trace HTML report is opened headless by the tests) -------------------------
if ! command -v chromium >/dev/null; then
  apt_install chromium
fi
"$(dirname "$0")/start-replica.sh"  # streaming replica on 127.0.0.1:5433 (read-replica tests)
echo "ci: services ready (postgres+pgvector, redis, prometheus)"
