#!/bin/sh
# Fill the secrets and addresses into the configuration, then run Janus.
set -eu
: "${JANUS_API_SECRET:?set JANUS_API_SECRET}" "${JANUS_ADMIN_KEY:?set JANUS_ADMIN_KEY}" "${JANUS_PUBLIC_IP:?set JANUS_PUBLIC_IP}"
mkdir -p /run/janus
JANUS_NAT=$(sh /etc/janus-app/nat.sh)  # nat_1_1_mapping, STUN, TURN for Janus itself (docs/rooms.md)
export JANUS_NAT
for template in /etc/janus-app/*.jcfg.template; do
  envsubst < "$template" > "/run/janus/$(basename "$template" .template)"
done
exec janus --configs-folder /run/janus --config /run/janus/janus.jcfg --disable-colors
