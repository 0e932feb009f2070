#!/usr/bin/env bash
# Starts a 3-master Redis Cluster on loopback (ports 7001-7003, or REDIS_CLUSTER_PORTS) for the
# breaker and budget tests that run against a cluster (TEST_REDIS_CLUSTER_URL). Idempotent: a
# cluster that already answers "cluster_state:ok" is left alone; nodes that are up but not joined
# are joined. No persistence: the data lives only as long as the processes.
set -euo pipefail

PORTS=${REDIS_CLUSTER_PORTS:-"7001 7002 7003"}
BASE=${REDIS_CLUSTER_DIR:-/tmp/medicalcor-redis-cluster}
first=${PORTS%% *}

state() { redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_state://p'; }

if [ "$(state "$first")" = ok ]; then
  echo "redis cluster: already up on ports $PORTS"
  exit 0
fi

command -v redis-server >/dev/null || { echo "redis cluster: redis-server is not installed" >&2; exit 1; }
for port in $PORTS; do
  dir="$BASE/$port"
  mkdir -p "$dir"
  if ! redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
    # a node file from an earlier run names a cluster that no longer exists
    rm -f "$dir/nodes.conf"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" \
      --cluster-node-timeout 5000 --save "" --appendonly no --dir "$dir" --logfile "$dir/redis.log" --daemonize yes
  fi
done
for port in $PORTS; do
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

nodes=()
for port in $PORTS; do nodes+=("127.0.0.1:$port"); done
known=$(redis-cli -h 127.0.0.1 -p "$first" cluster info | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')
if [ "${known:-1}" -le 1 ]; then
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
fi
for _ in $(seq 1 100); do
  if [ "$(state "$first")" = ok ]; then echo "redis cluster: up on ports $PORTS"; exit 0; fi
  sleep 0.1
done
echo "redis cluster: nodes on ports $PORTS did not reach cluster_state:ok" >&2
exit 1
