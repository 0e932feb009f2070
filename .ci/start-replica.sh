#!/usr/bin/env bash
# Starts a streaming replica of the PostgreSQL cluster on 127.0.0.1:5432 as a second cluster on
# 127.0.0.1:${REPLICA_PORT:-5433} (pg_basebackup -R, then pg_ctl as the postgres user), for the
# read-replica tests (test/trace-replica.test.ts). Idempotent: does nothing when it already runs.
set -euo pipefail

PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
PRIMARY_PORT=5432
REPLICA_PORT=${REPLICA_PORT:-5433}
DATA=${REPLICA_DATA:-/var/lib/postgresql/$PG_MAJOR/replica-$REPLICA_PORT}
LOG=$DATA.log
SLOT=medicalcor_ci_replica_$REPLICA_PORT
as_postgres() { runuser -u postgres -- "$@"; }
primary() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -Atqc "$1"; }

if pg_isready -h 127.0.0.1 -p "$REPLICA_PORT" -q; then
  if [ "$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -Atqc 'SELECT pg_is_in_recovery()')" = t ]; then
    echo "ci: replica already streaming on 127.0.0.1:$REPLICA_PORT"
    exit 0
  fi
  echo "ci: 127.0.0.1:$REPLICA_PORT answers but is not a standby; stop it first" >&2
  exit 1
fi

# the primary must accept replication connections from loopback
hba=$(primary 'SHOW hba_file')
if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
  echo 'host replication all 127.0.0.1/32 trust' >> "$hba"
  primary 'SELECT pg_reload_conf()' >/dev/null
fi

# a data directory without standby.signal is a half-made copy: start again
if [ ! -f "$DATA/standby.signal" ]; then
  rm -rf "$DATA"
  install -d -o postgres -g postgres -m 700 "$DATA"
  # a physical slot keeps the WAL the copy and the standby still need (the primary is busy:
  # without it a segment can be recycled mid-copy); the standby then streams from the same slot
  slot_args=(-S "$SLOT")
  [ "$(primary "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '$SLOT'")" = 0 ] && slot_args+=(-C)
  as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA" \
    -R -X stream -c fast "${slot_args[@]}"
  # Debian keeps the primary's configuration in /etc: the copy gets its own. A hot standby needs
  # these limits at least as high as the primary's.
  {
    echo "port = $REPLICA_PORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '/tmp'"
    echo "hot_standby = on"
    echo "hot_standby_feedback = on"
    for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
      max_locks_per_transaction; do
      echo "$setting = $(primary "SHOW $setting")"
    done
  } > "$DATA/postgresql.conf"
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' > "$DATA/pg_hba.conf"
  chown postgres:postgres "$DATA/postgresql.conf" "$DATA/pg_hba.conf"
fi

touch "$LOG" && chown postgres:postgres "$LOG"
as_postgres "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p "$REPLICA_PORT" -q && break; sleep 1; done
echo "ci: replica streaming from 127.0.0.1:$PRIMARY_PORT on 127.0.0.1:$REPLICA_PORT ($DATA)"
