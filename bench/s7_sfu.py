"""S7 SFU room: a stage (Schwartz Round format, lobby on) on a real Janus
and coturn started for the run, the app as deployed in front of them, and
real headless Debian Chromium pages with the fake camera and microphone:
publishers (facilitators on the panel, desktop size, simulcast) and
subscribers (audience, phone size, so they receive the low layer), all
signed in by session cookie.

The subscribers wait in the lobby; a facilitator's socket lets them in, in
two halves. For each one: the time from the admit message to the page's
first decoded video frame (getStats framesDecoded > 0, polled every 20 ms in
the page) — the baseline is the time to the page saying "You are in the
room." (the socket alone, no media). At three loads (panel only, half the
audience, all of it) Janus's CPU (utime + stime from /proc/PID/stat) and
memory (VmRSS) are measured over a window, together with what the pages
received (bytes, streams decoding) and what the publishers sent per
simulcast layer. The slopes between the loads are the cost of one forwarded
stream; from them the scenario works out the server a 300-person Schwartz
Round and 20 concurrent 10-person circles need (printed with its arithmetic).

Ports: Janus 18600 (WebSocket API) and 22000–22499 (RTP); coturn 18610
(UDP/TCP), 18611 (TLS, unused) and relays 22500–22999. Only loopback and
this machine's own address carry media.
"""

import asyncio
import json
import math
import os
import re
import secrets
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from bench.common import HOST, ROOT, SERVER_ENV, Result, Server, env_int, ms, pct, ratio, rss_mb
from bench.ws import cpu_seconds

JANUS_WS, TURN_PORT, TURN_TLS_PORT = 18600, 18610, 18611
RTP_RANGE, RELAY_RANGE = (22000, 22499), (22500, 22999)
TARGET_P95 = 1.5  # seconds from admit to the first decoded frame

# The page's own figures, polled in the page (no round trip to this process):
# when it first decoded a frame, when it decoded every panel member's video,
# and when its status line said it was in the room. A poll whose getStats()
# is still running skips its turn: they used to pile up (4 to 16 in flight
# on a loaded machine), queued on the WebRTC thread that also makes the
# answer being timed.
WATCH = """(wanted) => {
  const decoded = %s;
  const s7 = { first: null, all: null, inside: null };
  window.s7 = s7;
  const status = document.querySelector("[data-room-status]");
  let polling = false;
  const timer = setInterval(async () => {
    if (!s7.inside && status && status.textContent.includes("You are in the room.")) s7.inside = Date.now();
    if (polling) return;
    polling = true;
    let counts = [];
    try { counts = await decoded(); } catch (error) { return; } finally { polling = false; }
    const flowing = counts.filter((n) => n > 0).length;
    if (flowing > 0 && !s7.first) s7.first = Date.now();
    if (flowing >= wanted && !s7.all) { s7.all = Date.now(); clearInterval(timer); }
  }, 20);
}"""

# Where a page's time goes: each message it sends and receives on the room
# socket (by type) and each peer connection it opens or sees connected, with
# the page's clock, installed before the room's own script runs. Only the
# type is kept, never the message.
TRACE = """() => {
  const marks = [];
  window.s7marks = marks;
  const mark = (name) => marks.push([name, Date.now()]);
  const typeOf = (data) => {
    try { return JSON.parse(data).type; } catch (error) { return "?"; }
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    mark(`sent ${typeOf(data)}`);
    return send.call(this, data);
  };
  const listen = WebSocket.prototype.addEventListener;
  WebSocket.prototype.addEventListener = function (type, listener, options) {
    if (type !== "message") return listen.call(this, type, listener, options);
    return listen.call(this, type, (event) => {
      mark(`got ${typeOf(event.data)}`);
      return listener.call(this, event);
    }, options);
  };
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const pc = new Original(...args);
    mark("pc made");
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "connected") mark("pc connected");
    });
    return pc;
  };
  window.RTCPeerConnection.prototype = Original.prototype;
}"""
# The steps from admit to the first frame, each a mark of TRACE (the first
# one at or after the one before it); `got video_offer` and `sent
# video_subscribe` are absent where the page does not need them.
STEPS = ("got state", "sent video_join", "got video_joined", "sent video_subscribe", "got video_offer",
         "pc made", "sent video_answer", "pc connected")

# Bytes and streams received (inbound-rtp), and what this page sends per
# simulcast layer (outbound-rtp by rid).
TRAFFIC = """async () => {
  const out = { inBytes: 0, videoStreams: 0, widths: [], sent: {} };
  for (const pc of window.roomDebug.connections()) {
    const stats = await pc.getStats();
    stats.forEach((r) => {
      if (r.type === "inbound-rtp") {
        out.inBytes += r.bytesReceived || 0;
        if (r.kind === "video" && (r.framesDecoded || 0) > 0) {
          out.videoStreams += 1;
          out.widths.push(r.frameWidth || 0);
        }
      } else if (r.type === "outbound-rtp") {
        const key = r.kind === "audio" ? "audio" : (r.rid || "video");
        out.sent[key] = { bytes: r.bytesSent || 0, width: r.frameWidth || 0 };
      }
    });
  }
  return out;
}"""


# --- the media servers --------------------------------------------------------------
@dataclass
class Media:
    janus_pid: int
    env: dict[str, str]


@contextmanager
def media_servers():
    """Janus and coturn for this run, configured as `manage.py serve` does
    (core/mediaserver.py), on S7's own ports; stopped at the end."""
    from core.mediaserver import (
        JanusPorts,
        coturn_config_write,
        coturn_start,
        janus_config_write,
        janus_start,
        port_open,
        primary_ip,
        process_stop,
        wait_for_port,
    )

    if shutil.which("janus") is None or shutil.which("turnserver") is None:
        raise RuntimeError("S7 needs the janus and coturn packages (apt-get install janus coturn)")
    for port in (JANUS_WS, TURN_PORT):
        if port_open(HOST, port):
            raise RuntimeError(f"port {port} is taken: is another S7 running?")
    folder = ROOT / "var" / "bench-s7"
    shutil.rmtree(folder, ignore_errors=True)
    api_secret, admin_key, turn_secret = (secrets.token_hex(16) for _ in range(3))
    janus_config = janus_config_write(folder / "janus", api_secret=api_secret, admin_key=admin_key,
                                      ports=JanusPorts(ws=JANUS_WS, rtp_min=RTP_RANGE[0], rtp_max=RTP_RANGE[1]))
    coturn_config = coturn_config_write(folder / "coturn", secret=turn_secret, port=TURN_PORT, tls_port=TURN_TLS_PORT,
                                        relay_ip=primary_ip(), relay_min=RELAY_RANGE[0], relay_max=RELAY_RANGE[1])
    janus = janus_start(janus_config, log=folder / "janus" / "janus.log")
    coturn = coturn_start(coturn_config)
    try:
        if not wait_for_port(HOST, JANUS_WS, 20):
            raise RuntimeError(f"Janus did not start; see {folder / 'janus' / 'janus.log'}")
        if not wait_for_port(HOST, TURN_PORT, 15):
            raise RuntimeError(f"coturn did not start; see {folder / 'coturn' / 'turnserver.log'}")
        yield Media(janus.pid, {
            "JANUS_URLS": f"ws://{HOST}:{JANUS_WS}", "JANUS_API_SECRET": api_secret, "JANUS_ADMIN_KEY": admin_key,
            "TURN_SECRET": turn_secret,
            "TURN_URLS": f"turn:{HOST}:{TURN_PORT}?transport=udp,turn:{HOST}:{TURN_PORT}?transport=tcp",
        })
    finally:
        process_stop(janus)
        process_stop(coturn)


# --- the people and their pages --------------------------------------------------------
@dataclass
class Person:
    name: str
    cookies: dict[str, str]
    page: object = None
    admitted_at: float = 0.0  # wall-clock ms when the host sent "admit"
    figures: dict = field(default_factory=dict)  # the page's s7 object
    marks: list = field(default_factory=list)  # the page's TRACE marks: [name, wall-clock ms]
    console: list = field(default_factory=list)  # what the page logged, shown if it fails

    @property
    def first_frame(self) -> float | None:
        return (self.figures["first"] - self.admitted_at) / 1000 if self.figures.get("first") else None

    @property
    def all_frames(self) -> float | None:
        return (self.figures["all"] - self.admitted_at) / 1000 if self.figures.get("all") else None

    def steps(self) -> dict[str, float]:
        """Seconds from the step before (admit first) to each of STEPS it reached, then to the first frame."""
        out, at = {}, self.admitted_at
        for step in STEPS:
            when = next((t for name, t in self.marks if name == step and t >= at), None)
            if when is not None:
                out[step], at = (when - at) / 1000, when
        if self.figures.get("first"):
            out["first frame"] = (self.figures["first"] - at) / 1000
        return out

    @property
    def inside(self) -> float | None:
        return (self.figures["inside"] - self.admitted_at) / 1000 if self.figures.get("inside") else None


def _people():
    """The stage: a host (who only lets people in, over the socket), the panel
    (facilitators who publish) and the audience in the lobby."""
    from bench.fixtures import cookies_for, make_group, make_users
    from bench.ws import live_session
    from groups.models import Facilitation

    publishers = env_int("BENCH_S7_PUBLISHERS", 2)
    subscribers = env_int("BENCH_S7_SUBSCRIBERS", 10)
    host, *panel = make_users(1 + publishers, "s7panel", role="facilitator")
    audience = make_users(subscribers, "s7aud")
    group = make_group(title="S7 Schwartz Round", capacity=300, facilitator=host, fmt="schwartz", lobby=True)
    Facilitation.objects.bulk_create([Facilitation(group=group, user=user) for user in panel])
    session = live_session(group, audience)
    host_cookies, *rest = cookies_for([host, *panel, *audience])
    panel_people = [Person(u.display_name, c) for u, c in zip(panel, rest[:publishers], strict=True)]
    audience_people = [Person(u.display_name, c) for u, c in zip(audience, rest[publishers:], strict=True)]
    return session.code, host_cookies, panel_people, audience_people


async def _open(browser, base: str, code: str, person: Person, *, phone: bool, wanted: int) -> None:
    from tests.browser.test_rooms_sfu import DECODED

    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = await browser.new_context(viewport=size)
    await context.add_cookies([{"name": k, "value": v, "url": base} for k, v in person.cookies.items()])
    person.page = await context.new_page()
    person.page.on("console", lambda message: person.console.append(message.text))
    await person.page.add_init_script(f"({TRACE})()")
    await person.page.goto(f"{base}/rooms/{code}/")
    await person.page.evaluate(WATCH % DECODED, wanted)


async def _wait(person: Person, predicate: str, seconds: float = 60) -> None:
    try:
        await person.page.wait_for_function(predicate, timeout=seconds * 1000, polling=200)
    except Exception:
        status = await person.page.locator("[data-room-status]").all_inner_texts()
        raise RuntimeError(f"{person.name} at {person.page.url}: status {status}, "
                           f"console {person.console[-5:]}") from None


class Host:
    """The facilitator's room socket: who waits in the lobby, and "admit"."""

    def __init__(self, ws):
        self.ws = ws
        self.waiting: dict[str, str] = {}  # name -> participant code
        self.reader = asyncio.ensure_future(self._read())

    @classmethod
    async def connect(cls, port: int, code: str, cookies: dict[str, str]) -> "Host":
        from websockets.asyncio.client import connect

        ws = await connect(f"ws://{HOST}:{port}/ws/rooms/{code}/", origin=SERVER_ENV["SITE_URL"], proxy=None,
                           additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
                           ping_interval=None, open_timeout=30)
        return cls(ws)

    async def _read(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if message.get("type") == "lobby":
                # "Name (ABCD)": the display name and a short tag that tells namesakes apart
                self.waiting = {entry["name"].rsplit(" (", 1)[0]: entry["participant"] for entry in message["waiting"]}

    async def wait_for_lobby(self, names: list[str], seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not set(names) <= set(self.waiting):
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {len(set(names) & set(self.waiting))} of {len(names)} reached the lobby")
            await asyncio.sleep(0.1)

    async def admit(self, person: Person) -> None:
        person.admitted_at = time.time() * 1000
        await self.ws.send(json.dumps({"type": "admit", "participant": self.waiting[person.name]}))

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()


# --- loads ------------------------------------------------------------------------
@dataclass
class Load:
    label: str
    streams: int = 0  # video streams decoding on all pages (each with its audio): what Janus forwards
    cpu: float = 0.0  # Janus, cores (CPU seconds per second)
    rss: float = 0.0  # Janus, MB
    egress_kbps: float = 0.0  # everything the pages received
    audience_kbps: float = 0.0  # per forwarded stream to a phone in the audience (video + audio)
    layers_kbps: dict = field(default_factory=dict)  # what one publisher sends per layer (h, m, l, audio)
    layer_widths: dict = field(default_factory=dict)  # frame width per video layer
    widths: list = field(default_factory=list)


async def _traffic(people: list[Person]) -> list[dict]:
    return list(await asyncio.gather(*(p.page.evaluate(TRAFFIC) for p in people)))


async def measure(label: str, janus_pid: int, panel: list[Person], audience: list[Person], window: float) -> Load:
    everyone = panel + audience
    before, cpu0, t0 = await _traffic(everyone), cpu_seconds(janus_pid), time.monotonic()
    await asyncio.sleep(window)
    after, cpu1, t1 = await _traffic(everyone), cpu_seconds(janus_pid), time.monotonic()
    seconds = t1 - t0
    load = Load(label, cpu=(cpu1 - cpu0) / seconds, rss=rss_mb(janus_pid))
    load.streams = sum(a["videoStreams"] for a in after)
    load.egress_kbps = sum(a["inBytes"] - b["inBytes"] for a, b in zip(after, before, strict=True)) * 8 / seconds / 1000
    audience_bytes = sum(a["inBytes"] - b["inBytes"] for a, b in zip(after[len(panel):], before[len(panel):],
                                                                      strict=True))
    audience_streams = sum(a["videoStreams"] for a in after[len(panel):])
    if audience_streams:
        load.audience_kbps = audience_bytes * 8 / seconds / 1000 / audience_streams
    load.widths = sorted({w for a in after[len(panel):] for w in a["widths"]})
    for key in ("h", "m", "l", "audio"):  # averaged over the panel
        sent = [a["sent"][key]["bytes"] - b["sent"][key]["bytes"] for a, b in zip(after, before, strict=True)
                if key in a["sent"] and key in b["sent"]]
        if sent and sum(sent) > 0:  # a layer the encoder does not send (too small a camera) is left out
            load.layers_kbps[key] = sum(sent) / len(sent) * 8 / seconds / 1000
            load.layer_widths[key] = max(a["sent"][key]["width"] for a in after if key in a["sent"])
    print(f"  [{label}] {load.streams} streams, Janus {load.cpu * 100:.1f}% of a core, {load.rss:.1f} MB, "
          f"egress {load.egress_kbps / 1000:.2f} Mbit/s, layers {_layers(load.layers_kbps)}", flush=True)
    return load


def _layers(kbps: dict) -> str:
    return ", ".join(f"{k} {v:.0f} kbit/s" for k, v in kbps.items()) or "none"


async def admit_all(host: Host, people: list[Person], gap: float, wanted: int, seconds: float = 60) -> None:
    """Let them in one by one, `gap` apart, then wait until each page decodes every panel video."""
    for person in people:
        await host.admit(person)
        await asyncio.sleep(gap)
    deadline = time.monotonic() + seconds
    for person in people:
        while True:
            person.figures = await person.page.evaluate("() => window.s7")
            if person.figures.get("all") or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        person.marks = await person.page.evaluate("() => window.s7marks")


def tree_cpu() -> dict[str, float]:
    """CPU seconds used so far by this process's descendants, from /proc, by
    what they are: "browsers" (Chromium), "app" (uvicorn), "janus"."""
    tick = os.sysconf("SC_CLK_TCK")
    parent, used = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                raw = open(f"/proc/{entry}/stat").read()
            except OSError:  # gone meanwhile
                continue
            name, fields = raw[raw.index("(") + 1:raw.rindex(")")], raw[raw.rindex(")") + 2:].split()
            parent[int(entry)] = int(fields[1])
            used[int(entry)] = (name, (int(fields[11]) + int(fields[12])) / tick)  # utime, stime
    me, out = os.getpid(), {"browsers": 0.0, "app": 0.0, "janus": 0.0}
    for pid, (name, cpu) in used.items():
        ancestor = parent.get(pid, 1)  # this process itself is not counted
        while ancestor > 1 and ancestor != me:
            ancestor = parent.get(ancestor, 1)
        kind = "browsers" if "chrom" in name else "app" if name.startswith("python") else name
        if ancestor == me and kind in out:
            out[kind] += cpu
    return out


@dataclass
class Admits:
    """What the admits cost: wall seconds and CPU seconds per kind of process (tree_cpu)."""
    seconds: float = 0.0
    cpu: dict = field(default_factory=dict)


async def stage(server_port: int, media: Media) -> tuple[list[Person], list[Load], float, Admits]:
    """Returns the audience, the three loads, the highest load average seen
    right after admitting, and the CPU the admits took (the measuring
    windows left out)."""
    from playwright.async_api import async_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, MEDIA_ARGS

    code, host_cookies, panel, audience = await asyncio.to_thread(_people)
    base = f"http://{HOST}:{server_port}"
    window = env_int("BENCH_S7_WINDOW", 15)
    gap = env_int("BENCH_S7_GAP_MS", 700) / 1000
    loads, peak_load, admits = [], 0.0, Admits()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + MEDIA_ARGS)
        host = await Host.connect(server_port, code, host_cookies)
        try:
            for person in panel:
                await _open(browser, base, code, person, phone=False, wanted=len(panel) - 1)
            for person in panel:  # the panel sees each other: they publish
                await _wait(person, "() => window.s7 && (window.s7.all || window.s7.first)")
            await asyncio.sleep(5)  # simulcast ramps up its layers
            loads.append(await measure("panel only", media.janus_pid, panel, [], window))
            for person in audience:
                await _open(browser, base, code, person, phone=True, wanted=len(panel))
            try:
                await host.wait_for_lobby([p.name for p in audience])
            except RuntimeError as error:
                status = await audience[0].page.locator("[data-room-status]").all_inner_texts()
                raise RuntimeError(f"{error}; lobby {host.waiting}; {audience[0].name} at {audience[0].page.url}: "
                                   f"{status} {audience[0].console[-5:]}") from None
            half = len(audience) // 2
            for start, end, label in ((0, half, "half the audience"), (half, len(audience), "all the audience")):
                cpu0, wall0 = tree_cpu(), time.monotonic()
                await admit_all(host, audience[start:end], gap, len(panel))
                cpu1 = tree_cpu()
                admits.seconds += time.monotonic() - wall0
                admits.cpu = {kind: admits.cpu.get(kind, 0.0) + cpu1[kind] - cpu0[kind] for kind in cpu1}
                peak_load = max(peak_load, os.getloadavg()[0])
                await asyncio.sleep(3)
                loads.append(await measure(label, media.janus_pid, panel, audience[:end], window))
        finally:
            await host.close()
            await browser.close()
    return audience, loads, peak_load, admits


# --- figures and the sizing estimate ---------------------------------------------------
def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y on x."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else float("nan")


@dataclass
class Costs:
    cpu_per_stream: float  # cores per forwarded stream (video + audio) at the audience's layer
    rss_per_stream: float  # MB
    base_rss: float  # MB with the panel only
    audience_kbps: float  # one forwarded stream to the audience, with its audio, as received
    audience_width: int  # its frame width
    layers: dict  # what one publisher sends: h, m, l, audio (kbit/s)
    widths: dict  # frame width per layer


def costs_from(loads: list[Load]) -> Costs:
    full = loads[-1]
    return Costs(cpu_per_stream=slope([(load.streams, load.cpu) for load in loads]),
                 rss_per_stream=slope([(load.streams, load.rss) for load in loads]),
                 base_rss=loads[0].rss, audience_kbps=full.audience_kbps, audience_width=max(full.widths, default=0),
                 layers=full.layers_kbps, widths=full.layer_widths)


def simulcast_caps() -> dict[str, float]:
    """The publishers' simulcast ceilings (kbit/s per layer), as static/js/room-sfu.js sets them."""
    source = (ROOT / "static" / "js" / "room-sfu.js").read_text()
    return {rid: int(bits) / 1000 for rid, bits in re.findall(r'rid: "(\w)", maxBitrate: (\d+)', source)}


HEADROOM = 0.6  # plan for Janus at 60% of the cores: joins, key frames and ICE restarts come in bursts
ROUND = (4, 296)  # publishers, audience
CIRCLES = (20, 10)  # circles, people in each


@dataclass
class Plan:
    cpu: float
    memory: float
    egress: float  # Mbit/s
    ingress: float


def _plan(c: Costs, cpu_per_kbit: float, parts: list[tuple[str, int, float]], ingress_kbps: float,
          lines: list[str] | None) -> Plan:
    """Totals of forwarded streams (label, count, kbit/s each); the arithmetic into `lines` if given."""
    streams = egress = cpu = 0.0
    if lines is not None:
        lines += ["| forwarded | streams | kbit/s each | egress Mbit/s | Janus CPU (cores) |", "|---|---|---|---|---|"]
    for label, count, kbps in parts:
        part_cpu = count * kbps * cpu_per_kbit
        streams, egress, cpu = streams + count, egress + count * kbps / 1000, cpu + part_cpu
        if lines is not None:
            lines.append(f"| {label} | {count} | {kbps:.0f} | {count} × {kbps:.0f} / 1000 = {count * kbps / 1000:.1f} "
                         f"| {count} × {kbps:.0f} × {cpu_per_kbit * 1000:.4f} m = {part_cpu:.2f} |")
    plan = Plan(cpu, c.base_rss + streams * c.rss_per_stream, egress, ingress_kbps / 1000)
    if lines is not None:
        cores = math.ceil(cpu / HEADROOM)
        lines += [f"| **total** | {streams:.0f} | | **{egress:.0f}** | **{cpu:.2f}** |", "",
                  f"- CPU: {cpu:.2f} cores busy; kept at {HEADROOM:.0%}: {cpu:.2f} / {HEADROOM} = {cpu / HEADROOM:.2f}"
                  f" → **{cores} core{'s' if cores != 1 else ''}** for Janus",
                  f"- Memory: {c.base_rss:.1f} MB + {streams:.0f} × {c.rss_per_stream * 1000:.0f} KB = "
                  f"**{plan.memory:.0f} MB** for Janus",
                  f"- Network at Janus: **{egress:.0f} Mbit/s out**, {plan.ingress:.1f} Mbit/s in (the publishers' "
                  "simulcast layers); whoever connects through TURN adds the same again at coturn", ""]
    return plan


def _round_and_circles(c: Costs, cpu_per_kbit: float, audience: float, high: float, low: float, sent: float,
                       lines: list[str] | None) -> tuple[Plan, Plan]:
    publishers, listeners = ROUND
    circles, size = CIRCLES
    received = circles * size * (size - 1)
    if lines is not None:
        lines += [f"### Schwartz Round: {publishers} publishers (simulcast), {listeners} in the audience", ""]
    round_plan = _plan(c, cpu_per_kbit, [
        ("panel → audience (low/medium layer)", listeners * publishers, audience),
        ("panel → panel (high layer)", publishers * (publishers - 1), high),
    ], publishers * sent, lines)
    if lines is not None:
        lines += [f"### {circles} circles of {size}: everyone publishes and receives the other {size - 1}", "",
                  "Half on desktops (the room asks for the high layer on a wide screen), half on phones (low).", ""]
    circles_plan = _plan(c, cpu_per_kbit, [
        ("to desktops (high layer)", received // 2, high),
        ("to phones (low layer)", received - received // 2, low),
    ], circles * size * sent, lines)
    return round_plan, circles_plan


def sizing(c: Costs) -> list[str]:
    """The worked estimate, in Markdown, every number derived from `c` (and the caps in room-sfu.js)."""
    audio = c.layers.get("audio", 0.0)
    sent = sum(c.layers.values())
    high = c.layers.get("h", c.audience_kbps - audio) + audio
    cpu_per_kbit = c.cpu_per_stream / c.audience_kbps  # Janus's work grows with the packets, i.e. bytes, forwarded
    lines = [
        "## S7 sizing estimate: a 300-person Schwartz Round and 20 circles of 10", "",
        "Worked from the costs S7 measured above (Janus 1.1 VideoRoom on this machine). A *forwarded stream* is "
        "one publisher's video and audio sent to one subscriber.", "",
        "Measured:", "",
        f"- Janus CPU per forwarded stream (slope over the three loads): **{c.cpu_per_stream * 1000:.2f} "
        f"millicores**, for a stream of **{c.audience_kbps:.0f} kbit/s** as the audience received it (the lowest "
        f"layer sent, {c.audience_width} px wide, plus audio {audio:.0f} kbit/s); per kbit/s forwarded "
        f"{c.cpu_per_stream * 1000:.2f} / {c.audience_kbps:.0f} = **{cpu_per_kbit * 1000:.4f} millicores**",
        "- each publisher sends " + ", ".join(
            f"{k} {v:.0f} kbit/s" + (f" ({c.widths[k]} px)" if c.widths.get(k) else "") for k, v in c.layers.items())
        + f" = {sent:.0f} kbit/s; a high-layer stream with audio is {high:.0f} kbit/s",
        f"- Janus memory: {c.base_rss:.1f} MB with the panel alone, **{c.rss_per_stream * 1000:.0f} KB** more per "
        "forwarded stream (slope)", "",
        "Janus decrypts each incoming packet once and encrypts and sends it once per subscriber, so the estimate "
        "scales the measured CPU by the bitrate forwarded. That over-counts the bigger layers a little (the "
        "per-packet part does not grow with packet size): the safe side. Chromium's fake camera is 640×480, "
        "so it sends two simulcast layers (h, m) and the audience's \"low\" is the medium one — what the issue "
        "asks for (a low/medium layer).", "",
    ]
    round_plan, circles_plan = _round_and_circles(c, cpu_per_kbit, c.audience_kbps, high, c.audience_kbps, sent, lines)
    cpu = round_plan.cpu + circles_plan.cpu
    memory = round_plan.memory + circles_plan.memory
    egress = round_plan.egress + circles_plan.egress
    lines += ["### Both at once", "",
              f"- Janus CPU {round_plan.cpu:.2f} + {circles_plan.cpu:.2f} = {cpu:.2f} cores busy → kept at "
              f"{HEADROOM:.0%}: **{math.ceil(cpu / HEADROOM)} cores**, on one server or split over two Janus "
              "servers (`JANUS_URLS`; each room stays on the one it was placed on)",
              f"- Janus memory {round_plan.memory:.0f} + {circles_plan.memory:.0f} = {memory:.0f} MB → "
              f"**{max(2, math.ceil(memory * 2 / 1024))} GB** with room for the OS and a restart",
              f"- Network **{egress:.0f} Mbit/s out**, {round_plan.ingress + circles_plan.ingress:.0f} Mbit/s in: "
              f"a {'10' if egress > 700 else '1'} Gbit/s interface", ""]
    caps = simulcast_caps()
    if {"h", "m", "l"} <= set(caps):
        capped_sent = caps["h"] + caps["m"] + caps["l"] + audio
        capped_round, capped_circles = _round_and_circles(
            c, cpu_per_kbit, caps["m"] + audio, caps["h"] + audio, caps["l"] + audio, capped_sent, None)
        capped_cpu = capped_round.cpu + capped_circles.cpu
        lines += ["### Ceiling: real cameras sending every layer at room-sfu.js's caps", "",
                  f"Caps h {caps['h']:.0f}, m {caps['m']:.0f}, l {caps['l']:.0f} kbit/s (+ audio {audio:.0f}); the "
                  f"audience on m ({caps['m'] + audio:.0f} kbit/s), desktops in circles on h "
                  f"({caps['h'] + audio:.0f}), phones on l ({caps['l'] + audio:.0f}):", "",
                  f"- Schwartz Round: {capped_round.egress:.0f} Mbit/s out, {capped_round.cpu:.2f} cores busy",
                  f"- circles: {capped_circles.egress:.0f} Mbit/s out, {capped_circles.cpu:.2f} cores busy",
                  f"- both: {capped_round.egress + capped_circles.egress:.0f} Mbit/s out, {capped_cpu:.2f} cores "
                  f"busy → **{math.ceil(capped_cpu / HEADROOM)} cores** at {HEADROOM:.0%}", ""]
    lines += ["The web app and coturn are sized apart: S2/S3 give the app's costs per person; coturn relays "
              "only those whose networks need it, at the bitrates above.", ""]
    return lines


def run(result: Result) -> None:
    n_pub, n_sub = env_int("BENCH_S7_PUBLISHERS", 2), env_int("BENCH_S7_SUBSCRIBERS", 10)
    result.scale = (f"{n_pub} publishers (BENCH_S7_PUBLISHERS, desktop, simulcast) and {n_sub} subscribers "
                    f"(BENCH_S7_SUBSCRIBERS, phone size: low layer) in headless Chromium; measuring windows of "
                    f"{env_int('BENCH_S7_WINDOW', 15)} s (BENCH_S7_WINDOW); uvicorn ×1, Janus and coturn from Debian")
    with media_servers() as media:
        server = Server("uvicorn", workers=1, extra_env=media.env)
        server.env["CSRF_TRUSTED_ORIGINS"] = f"http://{HOST}:{server.port}"  # the pages' own origin
        with server:
            audience, loads, peak_load, admits = asyncio.run(stage(server.port, media))
    first = [p.first_frame for p in audience if p.first_frame is not None]
    every = [p.all_frames for p in audience if p.all_frames is not None]
    inside = [p.inside for p in audience if p.inside is not None]
    missing = len(audience) - len(first)
    result.row(f"admit → first decoded frame, {len(first)} subscribers",
               f"p50 {ms(pct(first, 50))}, p95 {ms(pct(first, 95))}, max {ms(max(first, default=float('nan')))}",
               f"admit → \"You are in the room.\": p50 {ms(pct(inside, 50))}, p95 {ms(pct(inside, 95))}",
               ratio(pct(first, 95), pct(inside, 95)))
    media_part = [p.first_frame - p.inside for p in audience if p.first_frame is not None and p.inside is not None]
    result.row("of which the media path (\"You are in the room.\" → first frame)",
               f"p50 {ms(pct(media_part, 50))}, p95 {ms(pct(media_part, 95))}")
    steps = [p.steps() for p in audience]
    for person, step in zip(audience, steps, strict=True):  # each page's figures, for pooling runs
        print(f"  page: {json.dumps({'first': person.first_frame, 'inside': person.inside, 'steps': step})}")
    names = [name for name in (*STEPS, "first frame") if any(name in s for s in steps)]
    result.row("where the time goes: p50 (p95) from the step before, in the pages",
               "; ".join(f"{name} {ms(pct([s[name] for s in steps if name in s], 50))} "
                         f"({ms(pct([s[name] for s in steps if name in s], 95))})" for name in names))
    result.row(f"admit → every panel member's video ({n_pub})", f"p50 {ms(pct(every, 50))}, p95 {ms(pct(every, 95))}")
    if missing:
        result.row("subscribers with no frame within 60 s", str(missing))
    result.row(f"CPU during the admits ({admits.seconds:.1f} s, until every page decoded the panel)",
               f"browsers {admits.cpu['browsers']:.1f} s, app server {admits.cpu['app']:.2f} s, "
               f"Janus {admits.cpu['janus']:.2f} s (of {admits.seconds * (os.cpu_count() or 1):.0f} CPU-seconds "
               "on this machine)")
    base = loads[0]
    for load in loads:
        result.row(f"Janus at {load.label}: {load.streams} forwarded streams",
                   f"CPU {load.cpu * 100:.1f}% of a core, RSS {load.rss:.1f} MB, pages received "
                   f"{load.egress_kbps / 1000:.2f} Mbit/s",
                   f"panel only: {base.cpu * 100:.1f}%, {base.rss:.1f} MB" if load is not base else "",
                   ratio(load.cpu, base.cpu) if load is not base else "")
    c = costs_from(loads)
    result.row("Janus CPU per forwarded stream (slope)", f"{c.cpu_per_stream * 1000:.2f} millicores")
    result.row("Janus memory per forwarded stream (slope)", f"{c.rss_per_stream * 1000:.0f} KB")
    result.row("one stream as the audience received it (video + audio)", f"{c.audience_kbps:.0f} kbit/s; "
               f"frame widths {', '.join(str(w) for w in loads[-1].widths) or 'none'}")
    result.row("one publisher sends", _layers(c.layers))
    result.target(f"first decoded frame p95 ≤ {TARGET_P95} s", bool(first) and not missing
                  and pct(first, 95) <= TARGET_P95,
                  f"(p95 {ms(pct(first, 95))}{f', {missing} never' if missing else ''})")
    result.target(f"at least 6 subscribers received video ({len(every)} of {n_sub})", len(every) >= 6)
    result.note("Each subscriber's time runs from the facilitator's socket sending `admit` to its own page's "
                "first getStats() with framesDecoded > 0 (both wall clocks of this machine; the page polls every "
                "20 ms). The baseline is the same admit to the status line saying \"You are in the room.\": "
                "the socket alone; the difference is joining Janus, ICE, DTLS and the first key frame.")
    result.note(f"Machine load (1-minute load average) right after the admits: up to "
                f"{peak_load:.1f} on {os.cpu_count()} cores. When the baseline (the "
                "socket alone) slows too, the machine, not the media path, is the limit: more subscribers than "
                "this machine can decode only measure its queue.")
    result.note("CPU and memory are Janus's own (/proc); Chromium decoding on the same 2 cores slows Janus's "
                "threads, so on a shared machine the per-stream CPU is an upper bound.")
    result.extra = sizing(c)
    for line in result.extra:
        print("  " + line, flush=True)
