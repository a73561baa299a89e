#!/usr/bin/env bash
# Make sure a PostgreSQL server is running on loopback for the tests, and print its URL.
# Installs Debian's postgresql package when it is missing (as root), starts the cluster and
# creates a role that may create databases. Idempotent; everything else goes to stderr.
set -euo pipefail
exec 3>&1 1>&2

ROLE=nudgebot_test
PASSWORD=nudgebot_test
if [ -n "${NUDGEBOT_TEST_POSTGRES_URL:-}" ]; then
  echo "$NUDGEBOT_TEST_POSTGRES_URL" >&3
  exit 0
fi

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is not installed; install the 'postgresql' package or set NUDGEBOT_TEST_POSTGRES_URL" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi

read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1)
if [ -z "${version:-}" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  pg_createcluster "$version" main >/dev/null
  read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1)
fi
if [ "$status" != "online" ]; then
  pg_ctlcluster "$version" "$cluster" start
fi

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sh -c "$1"; fi
}
for _ in $(seq 1 30); do
  as_postgres "psql -p $port -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.5
done
exists=$(as_postgres "psql -p $port -qAtc \"select 1 from pg_roles where rolname='$ROLE'\"")
if [ "$exists" != 1 ]; then
  as_postgres "psql -p $port -qc \"create role $ROLE login createdb password '$PASSWORD'\""
fi
echo "postgresql://$ROLE:$PASSWORD@127.0.0.1:$port/postgres" >&3
