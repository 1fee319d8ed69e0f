#!/usr/bin/env sh
# Creates the secrets docker-compose.yml reads, each only if it is missing (so running it again changes nothing):
# random passwords for PostgreSQL (the service role), the department API's role ajx_api and Redis, and the Ed25519
# key that signs the audit chain. Needs openssl. The directory is 0700: the files themselves are 0644 because the
# containers read them as their own users (postgres, node), and the directory keeps other host users out.
#
#   deploy/compose/init-secrets.sh [DIR]        # default: deploy/compose/secrets beside this script
set -eu
dir=${1:-"$(dirname "$0")/secrets"}
command -v openssl >/dev/null 2>&1 || { echo "init-secrets: openssl is required" >&2; exit 1; }
umask 077
mkdir -p "$dir"
chmod 700 "$dir"

made=""
password() {
  [ -s "$dir/$1" ] && return 0
  openssl rand -hex 24 >"$dir/$1"
  chmod 644 "$dir/$1"
  made="$made $1"
}
password postgres_password
password ajx_api_password
password redis_password

if [ ! -s "$dir/audit_key.pem" ]; then
  openssl genpkey -algorithm ed25519 -out "$dir/audit_key.pem"
  openssl pkey -in "$dir/audit_key.pem" -pubout -out "$dir/audit_key.pem.pub"
  chmod 644 "$dir/audit_key.pem" "$dir/audit_key.pem.pub"
  made="$made audit_key.pem"
fi

# The key that seals webhook secrets at rest (AES-256-GCM, ADR 0009): "<key id> <base64 key>", as `ajx keys generate`.
if [ ! -s "$dir/webhook_keys" ]; then
  key=$(openssl rand -base64 32)
  id=$({ printf 'ajx-webhook-key:'; printf '%s' "$key" | openssl base64 -d -A; } | openssl dgst -sha256 -r | cut -c1-16)
  printf '# AJX Hub webhook secret keys (AES-256-GCM): <key id> <base64 key>; the last one is current\n%s %s\n' "$id" "$key" >"$dir/webhook_keys"
  chmod 644 "$dir/webhook_keys"
  made="$made webhook_keys"
fi

if [ -n "$made" ]; then echo "init-secrets: created$made in $dir" >&2; else echo "init-secrets: nothing missing in $dir" >&2; fi
echo "init-secrets: keep a copy of audit_key.pem.pub with the backups: 'ajx audit verify' needs it" >&2
