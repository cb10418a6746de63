"""Janus's own network settings, on a real Janus: its public address from
JANUS_PUBLIC_IP (`nat_1_1_mapping`, private address kept for the relays),
and TURN relays for itself with a credential it asks the app for
(`turn_rest_api` → /rooms/janus/turn/, minted like a browser's). And the
app's side of that: the endpoint exists only for the right key."""

import asyncio
import base64
import hashlib
import hmac
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from core.mediaserver import JanusNat, JanusPorts, janus_config_write, janus_start, process_stop, wait_for_port
from rooms.janus import JanusSession
from rooms.tests import media_servers

PUBLIC_IP = "203.0.113.7"  # TEST-NET-3: never routed, only written into candidates
KEY = "janus-turn-key-" + "x" * 16
NAT_WS_BASE, NAT_RTP_BASE = 18320, 20600  # beside media_servers' ports, one set per worker slot


def _fingerprint() -> str:
    return ":".join(f"{byte:02X}" for byte in secrets.token_bytes(32))


# A browser's offer to send audio, as Chromium writes one (without its candidates).
OFFER = (
    "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
    "a=msid-semantic: WMS s7\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:Ab3d\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 {fingerprint}\r\na=setup:actpass\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\na=ssrc:11111111 cname:s7\r\n"
)


@pytest.fixture
def turn_for_janus(live_server, turn_server, settings):
    """The app (live, over HTTP) handing Janus credentials for the test coturn."""
    settings.JANUS_TURN_REST_KEY = KEY
    settings.TURN_SECRET = turn_server.secret
    settings.TURN_URLS = turn_server.urls
    return f"{live_server.url}/rooms/janus/turn/"


@pytest.fixture
def janus_behind_nat(turn_for_janus, turn_server):
    if shutil.which("janus") is None:
        pytest.skip("the Janus media server is not installed (apt-get install janus; .ci/run does)")
    slot = media_servers._worker()
    port, rtp = NAT_WS_BASE + slot, NAT_RTP_BASE + 24 * slot
    folder = Path(tempfile.mkdtemp(prefix="janus-nat-"))
    api_secret, admin_key = secrets.token_hex(16), secrets.token_hex(16)
    stun = turn_server.urls[0].split(":", 1)[1].split("?")[0]  # coturn answers STUN on its TURN port
    nat = JanusNat(public_ips=(PUBLIC_IP,), stun=stun, turn_rest_api=turn_for_janus, turn_rest_api_key=KEY)
    config = janus_config_write(folder, api_secret=api_secret, admin_key=admin_key, nat=nat,
                                ports=JanusPorts(ws=port, rtp_min=rtp, rtp_max=rtp + 23))
    process = janus_start(config, log=folder / "janus.log")
    try:
        if not wait_for_port("127.0.0.1", port, 20):
            pytest.fail("Janus did not start with the nat settings: " + (folder / "janus.log").read_text()[-2000:])
        yield media_servers.Janus(url=f"ws://127.0.0.1:{port}", api_secret=api_secret, admin_key=admin_key,
                                  folder=folder)
    finally:
        process_stop(process)
        if not os.environ.get("KEEP_MEDIA_LOGS"):
            shutil.rmtree(folder, ignore_errors=True)


async def _answer_to_an_offer(janus) -> str:
    """Janus's answer (its SDP, candidates included) to a publisher's offer."""
    session = await JanusSession.open(janus.url, janus.api_secret)
    try:
        handle = await session.attach()
        room = secrets.randbelow(2**40) + 1
        await session.request(handle, {"request": "create", "admin_key": janus.admin_key, "room": room,
                                       "record": False, "lock_record": True, "permanent": False})
        await session.message(handle, {"request": "join", "ptype": "publisher", "room": room, "display": "probe"})
        offer = {"type": "offer", "sdp": OFFER.format(fingerprint=_fingerprint())}
        reply = await session.message(handle, {"request": "publish", "audio": True}, offer)
        return reply.jsep["sdp"]
    finally:
        await session.close()


def _candidates(sdp: str) -> list[list[str]]:
    return [line.split() for line in sdp.splitlines() if line.startswith("a=candidate:")]


@pytest.mark.django_db(transaction=True)
def test_janus_announces_its_public_address_and_relays_through_coturn_with_a_credential_from_the_app(
        janus_behind_nat):
    sdp = asyncio.run(_answer_to_an_offer(janus_behind_nat))
    candidates = _candidates(sdp)
    addresses = {(fields[4], fields[7]) for fields in candidates}  # (address, type)
    assert (PUBLIC_IP, "host") in addresses, sdp  # nat_1_1_mapping
    assert any(kind == "host" and address != PUBLIC_IP for address, kind in addresses)  # keep_private_host
    # A relay candidate: coturn (use-auth-secret) accepted the credential Janus got from the app.
    assert any(kind == "relay" for _, kind in addresses), sdp


def _valid(username: str, password: str, secret: str) -> bool:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode() == password


def test_the_turn_endpoint_gives_janus_a_short_lived_credential(client, settings):
    settings.JANUS_TURN_REST_KEY = KEY
    settings.TURN_SECRET = "s" * 32
    settings.TURN_URLS = ["turn:turn.example.nhs.uk:3478?transport=udp", "turns:turn.example.nhs.uk:443"]
    settings.TURN_TTL_SECONDS = 600
    reply = client.get("/rooms/janus/turn/", {"service": "turn", "api": KEY, "username": "1234"})
    assert reply.status_code == 200
    body = reply.json()
    assert body["uris"] == settings.TURN_URLS
    assert body["ttl"] == 600
    expires = int(body["username"].split(":")[0])
    assert time.time() < expires <= time.time() + 600
    assert _valid(body["username"], body["password"], settings.TURN_SECRET)
    assert "no-store" in reply["Cache-Control"]


@pytest.mark.parametrize("query", [
    {"service": "turn", "api": "wrong" * 4},
    {"service": "turn"},
    {"service": "stun", "api": KEY},
    {"service": "turn", "api": KEY + "x"},
])
def test_without_the_key_there_is_no_turn_endpoint(client, settings, query):
    settings.JANUS_TURN_REST_KEY = KEY
    settings.TURN_SECRET = "s" * 32
    settings.TURN_URLS = ["turn:turn.example.nhs.uk:3478"]
    assert client.get("/rooms/janus/turn/", query).status_code == 404
    assert client.post("/rooms/janus/turn/", query).status_code in (403, 405)  # CSRF or method: never a credential


def test_with_no_key_configured_the_endpoint_does_not_exist(client, settings):
    settings.JANUS_TURN_REST_KEY = ""
    settings.TURN_SECRET = "s" * 32
    settings.TURN_URLS = ["turn:turn.example.nhs.uk:3478"]
    assert client.get("/rooms/janus/turn/", {"service": "turn", "api": ""}).status_code == 404
