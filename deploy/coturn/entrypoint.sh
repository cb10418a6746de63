#!/bin/sh
# Fill in the shared secret and addresses, then run coturn.
set -eu
: "${TURN_SECRET:?set TURN_SECRET}" "${TURN_REALM:?set TURN_REALM}" "${TURN_PUBLIC_IP:?set TURN_PUBLIC_IP}"
envsubst < /etc/coturn-app/turnserver.conf.template > /run/turnserver.conf
exec turnserver -c /run/turnserver.conf
