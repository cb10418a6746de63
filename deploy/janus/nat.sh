#!/bin/sh
# Janus's nat settings from the environment, one a line, exactly as
# core/mediaserver.py (JanusNat) writes them for `manage.py serve`
# (core/tests/test_mediaserver_nat.py runs both). See docs/rooms.md.
#   JANUS_PUBLIC_IP      nat_1_1_mapping (comma-separated), private address kept for coturn
#   JANUS_STUN_SERVER    host:port, for Janus to learn its public address without a mapping
#   JANUS_TURN_REST_API  the app's /rooms/janus/turn/ (with JANUS_TURN_REST_KEY): relays for Janus itself
set -eu
plain() {  # only address, URL and key characters reach the file
  case "$2" in
    *[!A-Za-z0-9.:,/_~\[\]-]*) echo "$1 has characters Janus's configuration cannot take" >&2; exit 64 ;;
  esac
}
if [ -n "${JANUS_PUBLIC_IP:-}" ]; then
  ips=$(printf %s "$JANUS_PUBLIC_IP" | tr -d ' ')
  plain JANUS_PUBLIC_IP "$ips"
  printf '\tnat_1_1_mapping = "%s"\n\tkeep_private_host = true\n' "$ips"
fi
if [ -n "${JANUS_STUN_SERVER:-}" ]; then
  plain JANUS_STUN_SERVER "$JANUS_STUN_SERVER"
  case "$JANUS_STUN_SERVER" in *:*) ;; *) echo "JANUS_STUN_SERVER must be host:port" >&2; exit 64 ;; esac
  printf '\tstun_server = "%s"\n\tstun_port = %d\n' "${JANUS_STUN_SERVER%:*}" "${JANUS_STUN_SERVER##*:}"
fi
if [ -n "${JANUS_TURN_REST_API:-}" ]; then
  : "${JANUS_TURN_REST_KEY:?set JANUS_TURN_REST_KEY with JANUS_TURN_REST_API}"
  plain JANUS_TURN_REST_API "$JANUS_TURN_REST_API"
  plain JANUS_TURN_REST_KEY "$JANUS_TURN_REST_KEY"
  printf '\tturn_rest_api = "%s"\n\tturn_rest_api_key = "%s"\n' "$JANUS_TURN_REST_API" "$JANUS_TURN_REST_KEY"
  printf '\tturn_rest_api_method = "GET"\n\tturn_rest_api_timeout = 2\n'
fi
