"""Video through a real Janus server in real Chromium pages (fake camera):
every stream is signalled over the room's socket, and frames are counted
from getStats() on the receiving side."""

import time

import pytest

from accounts.tests.factories import FacilitatorFactory, UserFactory
from rooms.tests.factories import BookingFactory, GroupSessionFactory, PeerGroupFactory
from rooms.tests.support import ensure_roles, fresh_channel_layer
from tests.browser.conftest import assert_accessible, sign_in, wait_until

pytestmark = pytest.mark.browser

# Video streams received with decoded frames, one number per received video m-line.
DECODED = """async () => {
  const counts = [];
  for (const pc of window.roomDebug.connections()) {
    const stats = await pc.getStats();
    stats.forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "video") counts.push(report.framesDecoded || 0);
    });
  }
  return counts;
}"""
# The frame widths of the video received now, one per stream.
WIDTHS = """async () => {
  const widths = [];
  for (const pc of window.roomDebug.connections()) {
    const stats = await pc.getStats();
    stats.forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "video" && report.frameWidth) widths.push(report.frameWidth);
    });
  }
  return widths;
}"""
# Per connection, the bytes its candidate pairs carried (sent, received),
# summed by the type of the local candidate. Every pair counts, not only the
# one the browser has selected: the browser allocates a relay on each local
# network it has (here the loopback and the machine's address, both reaching
# coturn), and on a sending connection it may switch the pair it sends on
# while Janus (libnice, the controlled side there) goes on sending on the
# pair nominated first; both are relays, so the media path is the same, but
# the selected pair then carries media one way only.
RELAYED = """async () => {
  const connections = [];
  for (const pc of window.roomDebug.connections()) {
    const stats = await pc.getStats();
    const sums = {};
    stats.forEach((report) => {
      if (report.type !== "candidate-pair") return;
      const type = (stats.get(report.localCandidateId) || {}).candidateType;
      const sum = sums[type] || (sums[type] = [0, 0]);
      sum[0] += report.bytesSent || 0;
      sum[1] += report.bytesReceived || 0;
    });
    connections.push(sums);
  }
  return connections;
}"""


def _videos_flowing(page, count: int, timeout: int = 30_000):
    wait_until(page, f"() => ({DECODED})().then((c) => c.filter((n) => n > 0).length >= {count})",
                           timeout=timeout, polling=500)


def _decoded_total(page) -> int:
    return sum(page.evaluate(DECODED))


@pytest.fixture
def contexts(browser):
    opened = []

    def new_page(phone=False):
        size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(viewport=size)
        context.set_default_timeout(20_000)
        opened.append(context)
        return context.new_page()

    yield new_page
    for context in opened:
        context.close()


def _enter(page, server_url, user, session):
    sign_in(page, server_url, user)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{server_url}/rooms/{session.code}/")
    page.get_by_text("You are in the room.").wait_for()


@pytest.fixture
def circle(asgi_server, sfu):
    fresh_channel_layer()
    ensure_roles()
    host = FacilitatorFactory(display_name="Sam Host")
    group = PeerGroupFactory(facilitators=[host], lobby_enabled=False, capacity=10)
    session = GroupSessionFactory(group=group)
    guests = [UserFactory(display_name=name) for name in ("Alex Guest", "Jo Guest")]
    for guest in guests:
        BookingFactory(session=session, user=guest)
    yield session, host, guests
    fresh_channel_layer()


def test_a_circle_of_three_see_each_other_through_the_media_server(asgi_server, circle, contexts):
    session, host, guests = circle
    pages = []
    for user, phone in ((host, False), (guests[0], False), (guests[1], True)):
        page = contexts(phone=phone)
        _enter(page, asgi_server.url, user, session)
        pages.append(page)
    for page in pages:
        _videos_flowing(page, 2)
    # Publishers send simulcast; the phone receives the lowest layer there
    # is, the desktops the highest. (From the fake camera's 640 × 480 Chromium
    # sends two layers, 640 and 320 wide: it drops the quarter-size one.)
    wait_until(pages[2], f"() => ({WIDTHS})().then((w) => w.length === 2 && Math.max(...w) <= 320)",
               timeout=15_000, polling=500)
    wait_until(pages[0], f"() => ({WIDTHS})().then((w) => w.length === 2 && Math.min(...w) >= 640)",
               timeout=15_000, polling=500)
    # Chromium's fake microphone beeps: someone is shown speaking.
    pages[0].locator(".app-room__video--speaking figcaption", has_text="(speaking)").first.wait_for()
    figure = pages[0].locator("[data-room-videos] figure").first
    assert figure.bounding_box()["width"] >= 260  # the gallery uses the width it has
    assert_accessible(pages[0])
    # On the phone, the support card leaves the video (and the way to chat) on the screen.
    pages[2].get_by_role("button", name="I need support").click()
    pages[2].get_by_role("heading", name="Need help now?").wait_for()
    pages[2].locator("[data-room-status]").evaluate("(line) => line.scrollIntoView()")  # the room at the top
    card = pages[2].locator("[data-room-signposting]").bounding_box()
    gallery = pages[2].locator("[data-room-videos]").bounding_box()
    assert card["height"] <= 0.5 * 844
    assert gallery["y"] < 844 - 150, "the video is pushed off the phone's screen"
    # A camera turned off is a button state screen readers hear.
    pages[1].get_by_role("button", name="Turn camera off").click()
    assert pages[1].get_by_role("button", name="Turn camera on").get_attribute("aria-pressed") == "true"
    # Audio only: no more video frames arrive.
    pages[0].get_by_role("button", name="Audio only (for a weak connection)").click()
    pages[0].get_by_text("Audio only: you hear everyone").wait_for()
    time.sleep(1.5)
    before = _decoded_total(pages[0])
    time.sleep(1.5)
    assert _decoded_total(pages[0]) == before


# What a page sends on its room socket, by type (and a join's `receive`),
# recorded before the room's own script runs.
SENT = """() => {
  window.sentTypes = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const message = JSON.parse(data);
    window.sentTypes.push(message.type === "video_join" ? `video_join ${message.receive}` : message.type);
    return send.call(this, data);
  };
}"""


# A camera that takes 8 s to come (a slow device, or a person slow to allow it).
CAMERA_SLOW = """(() => {
  const ask = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => new Promise((resolve) => setTimeout(resolve, 8000))
    .then(() => ask(constraints));
})()"""


def test_a_newcomer_receives_everyone_without_asking_and_answers_before_its_camera(asgi_server, circle, contexts):
    """Joining asks to receive everyone publishing now (a phone: the low
    layer), so the page sends no video_subscribe for them; and a page that
    publishes answers the offer to receive before its own camera is ready
    (here it takes 8 s)."""
    session, host, guests = circle
    host_page = contexts()
    _enter(host_page, asgi_server.url, host, session)
    wait_until(host_page, "() => window.roomDebug.connections().some((pc) => pc.connectionState === 'connected')",
               timeout=15_000)  # publishing
    phone = contexts(phone=True)
    phone.add_init_script(f"({SENT})()")
    phone.add_init_script(CAMERA_SLOW)
    sign_in(phone, asgi_server.url, guests[1])
    phone.wait_for_url(lambda url: "/accounts/login/" not in url)
    phone.goto(f"{asgi_server.url}/rooms/{session.code}/")
    phone.get_by_text("You are in the room.").wait_for()
    started = time.monotonic()
    _videos_flowing(phone, 1)
    assert time.monotonic() - started < 6, "receiving waited for this page's camera"
    sent = phone.evaluate("() => window.sentTypes")
    assert "video_join low" in sent
    assert "video_subscribe" not in sent  # the host's feed came with the join
    assert "video_quality" not in sent  # so did the quality
    _videos_flowing(host_page, 1, timeout=15_000)  # and the phone publishes once its camera comes


def test_someone_sent_to_the_lobby_stops_receiving_within_two_seconds(asgi_server, circle, contexts, settings):
    session, host, guests = circle
    session.group.lobby_enabled = True
    session.group.save()
    host_page = contexts()
    _enter(host_page, asgi_server.url, host, session)
    guest_page = contexts()
    sign_in(guest_page, asgi_server.url, guests[0])
    guest_page.goto(f"{asgi_server.url}/rooms/{session.code}/")
    # While waiting: a preview of one's own camera, and the camera and microphone to choose.
    guest_page.get_by_text("Preview: only you see this until you are let in").wait_for()
    guest_page.wait_for_function("() => document.querySelector('[data-room-preview]').videoWidth > 0")
    assert guest_page.get_by_label("Camera", exact=True).locator("option").count() >= 1
    assert_accessible(guest_page)
    assert guest_page.evaluate("window.roomDebug.connections().length") == 0  # nothing sent from the lobby
    host_page.get_by_role("button", name="Let in Alex Guest").click()
    guest_page.get_by_text("You are in the room.").wait_for()
    _videos_flowing(guest_page, 1)
    _videos_flowing(host_page, 1)
    host_page.get_by_role("button", name="Send to lobby Alex Guest").click()
    started = time.monotonic()
    guest_page.get_by_text("You are waiting in the lobby.").wait_for()
    # Nothing more arrives: its receiving connection is closed, and the host no longer receives the guest.
    wait_until(host_page, f"() => ({DECODED})().then((c) => c.length === 0)", timeout=2_000, polling=100)
    assert time.monotonic() - started < 2.5
    assert guest_page.evaluate("window.roomDebug.connections().length") == 0
    before = _decoded_total(guest_page)
    time.sleep(1)
    assert _decoded_total(guest_page) == before == 0


# An audience member's own page tries to publish, over a second socket of
# its own, with a real offer from its fake camera: the server refuses.
PUBLISH_ATTEMPT = """async (wsPath) => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const pc = new RTCPeerConnection();
  for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: "sendonly" });
  await pc.setLocalDescription(await pc.createOffer());
  const socket = new WebSocket(`ws://${location.host}${wsPath}`);
  const replies = [];
  return await new Promise((resolve) => {
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      replies.push(message.type);
      if (message.type === "video_joined") {
        socket.send(JSON.stringify({ type: "video_publish", jsep: { type: "offer", sdp: pc.localDescription.sdp } }));
      } else if (message.type === "state") {
        socket.send(JSON.stringify({ type: "video_join" }));
      } else if (message.type === "error" || message.type === "video_answer") {
        socket.close();
        pc.close();
        resolve(message.code || message.type);
      }
    };
  });
}"""


def test_a_stage_the_audience_receives_the_panel_and_one_is_brought_on(asgi_server, sfu, contexts):
    fresh_channel_layer()
    ensure_roles()
    panel = [FacilitatorFactory(display_name=name) for name in ("Pat Panel", "Lee Panel")]
    group = PeerGroupFactory(facilitators=panel, lobby_enabled=False, capacity=300, format="schwartz")
    session = GroupSessionFactory(group=group)
    audience = [UserFactory(display_name=f"Audience {n}") for n in range(1, 5)]
    for person in audience:
        BookingFactory(session=session, user=person)
    panel_pages = []
    for person in panel:
        page = contexts()
        _enter(page, asgi_server.url, person, session)
        panel_pages.append(page)
    audience_pages = []
    for person in audience:
        page = contexts()
        _enter(page, asgi_server.url, person, session)
        audience_pages.append(page)
    for page in audience_pages:
        _videos_flowing(page, 2, timeout=45_000)
        assert page.get_by_text("You are in the audience").is_visible()
        assert not page.get_by_role("button", name="Turn camera off").is_visible()
    assert audience_pages[0].evaluate(PUBLISH_ATTEMPT, f"/ws/rooms/{session.code}/") == "forbidden"
    assert_accessible(audience_pages[0])

    panel_pages[0].get_by_role("button", name="Bring on stage Audience 1").click()
    audience_pages[0].get_by_role("button", name="Turn camera off").wait_for()
    for page in audience_pages[1:] + panel_pages:
        _videos_flowing(page, 3 if page in audience_pages else 2, timeout=30_000)
    panel_pages[0].get_by_role("button", name="Back to audience Audience 1").click()
    audience_pages[0].get_by_text("You are in the audience").wait_for()
    wait_until(audience_pages[1], f"() => ({DECODED})().then((c) => c.length === 2)", timeout=5_000, polling=200)
    fresh_channel_layer()


EXPIRED_REFUSED = """async ([urls, username, credential]) => {
  const pc = new RTCPeerConnection({ iceServers: [{ urls, username, credential }], iceTransportPolicy: "relay" });
  pc.addTransceiver("audio");
  const relays = [];
  pc.onicecandidate = (event) => {
    if (event.candidate && event.candidate.type === "relay") relays.push(event.candidate);
  };
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === "complete") resolve(); };
    setTimeout(resolve, 8000);
  });
  pc.close();
  return relays.length;
}"""


def test_relay_only_media_flows_through_coturn_and_an_expired_credential_is_refused(
        asgi_server, circle, contexts, turn_server, settings):
    from rooms.turn import turn_credentials

    settings.TURN_SECRET = turn_server.secret
    settings.TURN_URLS = turn_server.urls
    settings.ROOM_ICE_TRANSPORT_POLICY = "relay"
    session, host, guests = circle
    pages = []
    for user in (host, guests[0]):
        page = contexts()
        _enter(page, asgi_server.url, user, session)
        pages.append(page)
    for page in pages:
        _videos_flowing(page, 1)
        # Both connections (sending, receiving) carry bytes both ways, and
        # only through TURN relays.
        carried = wait_until(page, f"""() => ({RELAYED})().then((connections) => connections.length === 2
            && connections.every((sums) => sums.relay && sums.relay[0] > 0 && sums.relay[1] > 0) && connections)""",
                             timeout=15_000, polling=250)
        assert all(set(sums) == {"relay"} for sums in carried), carried
    fresh = turn_credentials(secret=turn_server.secret, ttl=600)
    expired = turn_credentials(secret=turn_server.secret, ttl=-60)
    assert pages[0].evaluate(EXPIRED_REFUSED, [turn_server.urls, fresh[0], fresh[1]]) > 0
    assert pages[0].evaluate(EXPIRED_REFUSED, [turn_server.urls, expired[0], expired[1]]) == 0
