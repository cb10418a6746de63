"""Local copies of the media servers: configuration files for the Janus
WebRTC server (VideoRoom plugin, WebSocket API only) and the coturn relay
(`use-auth-secret`), and starting them as child processes. Used by
`manage.py serve` (when the binaries are on the PATH) and by the tests; in
production the compose file runs them from `deploy/janus/` and
`deploy/coturn/` (docs/rooms.md)."""

import ipaddress
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

JANUS_LIB = Path("/usr/lib/x86_64-linux-gnu/janus")
# Every Janus plugin and transport but the ones the rooms use is switched off.
JANUS_PLUGINS = ("audiobridge", "duktape", "echotest", "lua", "nosip", "recordplay", "sip", "streaming",
                 "textroom", "videocall", "voicemail")
JANUS_TRANSPORTS = ("http", "mqtt", "nanomsg", "pfunix", "rabbitmq")
JANUS_EVENTS = ("gelfevh", "mqttevh", "nanomsgevh", "rabbitmqevh", "sampleevh", "wsevh")


@dataclass(frozen=True)
class JanusPorts:
    ws: int = 8188
    rtp_min: int = 20000
    rtp_max: int = 20199


_HOST_PORT = re.compile(r"^(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(?P<port>[0-9]{1,5})$")
_URL = re.compile(r"^https?://[A-Za-z0-9.:\[\]-]+(/[A-Za-z0-9._~/-]*)?$")
_KEY = re.compile(r"^[A-Za-z0-9._~-]{16,200}$")


@dataclass(frozen=True)
class JanusNat:
    """Janus's `nat` section: how browsers and relays reach it, and what it
    uses itself (docs/rooms.md "Production, ports and firewalls").

    - `public_ips` (JANUS_PUBLIC_IP, comma-separated): `nat_1_1_mapping`, the
      address(es) Janus puts in its candidates on a 1:1-NAT host (a cloud VM).
      `keep_private_host` keeps the private address too, so coturn, on the
      same private network, relays to it without hairpinning through the NAT.
    - `stun` (JANUS_STUN_SERVER, host:port, e.g. our coturn): for Janus to
      learn its public address when there is no 1:1 mapping to give it.
    - `turn_rest_api` and `turn_rest_api_key` (JANUS_TURN_REST_API,
      JANUS_TURN_REST_KEY): only when Janus itself sits behind a firewall
      that blocks browsers' UDP. Janus then asks the app
      (`/rooms/janus/turn/`, `rooms.views.janus_turn`) for a TURN credential
      minted like a browser's (at most an hour) for each connection, and
      gathers relay candidates on our coturn; no TURN secret is written here.
    """

    public_ips: tuple[str, ...] = ()
    keep_private_host: bool = True
    stun: str = ""
    turn_rest_api: str = ""
    turn_rest_api_key: str = ""

    def __post_init__(self):
        for address in self.public_ips:
            ipaddress.ip_address(address)  # ValueError: nothing but an address reaches the file
        if self.stun and not _HOST_PORT.match(self.stun):
            raise ValueError("JANUS_STUN_SERVER must be host:port")
        if self.turn_rest_api and not (_URL.match(self.turn_rest_api) and _KEY.match(self.turn_rest_api_key)):
            raise ValueError("JANUS_TURN_REST_API must be an http(s) URL, with JANUS_TURN_REST_KEY of 16 or more "
                             "URL-safe characters")

    @classmethod
    def from_env(cls, environ) -> "JanusNat":
        ips = tuple(part.strip() for part in environ.get("JANUS_PUBLIC_IP", "").split(",") if part.strip())
        return cls(public_ips=ips, stun=environ.get("JANUS_STUN_SERVER", "").strip(),
                   turn_rest_api=environ.get("JANUS_TURN_REST_API", "").strip(),
                   turn_rest_api_key=environ.get("JANUS_TURN_REST_KEY", "").strip())

    def lines(self) -> str:
        """The settings for janus.jcfg's nat section, one a line (tab-indented)."""
        lines = []
        if self.public_ips:
            lines.append(f'nat_1_1_mapping = "{",".join(self.public_ips)}"')
            lines.append(f"keep_private_host = {'true' if self.keep_private_host else 'false'}")
        if self.stun:
            host, port = self.stun.rsplit(":", 1)
            lines += [f'stun_server = "{host.strip("[]")}"', f"stun_port = {int(port)}"]
        if self.turn_rest_api:
            lines += [f'turn_rest_api = "{self.turn_rest_api}"', f'turn_rest_api_key = "{self.turn_rest_api_key}"',
                      'turn_rest_api_method = "GET"', "turn_rest_api_timeout = 2"]
        return "".join(f"\t{line}\n" for line in lines)


def janus_config_write(folder: Path, *, api_secret: str, admin_key: str, ports: JanusPorts,
                       host: str = "127.0.0.1", nat: JanusNat | None = None) -> Path:
    """Write janus.jcfg and the plugin/transport files into `folder`; returns
    the main file. Janus speaks only its WebSocket API, on `host`, and every
    request must carry `api_secret`; only the app (which holds `admin_key`)
    can create rooms."""
    folder.mkdir(parents=True, exist_ok=True)
    lib = JANUS_LIB
    disable_plugins = ",".join(f"libjanus_{name}.so" for name in JANUS_PLUGINS)
    disable_transports = ",".join(f"libjanus_{name}.so" for name in JANUS_TRANSPORTS)
    disable_events = ",".join(f"libjanus_{name}.so" for name in JANUS_EVENTS)
    nat_lines = (nat or JanusNat()).lines()
    (folder / "janus.jcfg").write_text(f"""general: {{
\tconfigs_folder = "{folder}"
\tplugins_folder = "{lib}/plugins"
\ttransports_folder = "{lib}/transports"
\tevents_folder = "{lib}/events"
\tloggers_folder = "{lib}/loggers"
\tdebug_level = 3
\tapi_secret = "{api_secret}"
\tsession_timeout = 60
\tserver_name = "wellbeing-janus"
}}
media: {{
\trtp_port_range = "{ports.rtp_min}-{ports.rtp_max}"
}}
nat: {{
\tnice_debug = false
\tfull_trickle = false  # Janus puts its candidates in its SDP: one message, relays find it at once
\tignore_mdns = true
\tice_ignore_list = "vmnet"
{nat_lines}}}
plugins: {{
\tdisable = "{disable_plugins}"
}}
transports: {{
\tdisable = "{disable_transports}"
}}
loggers: {{
\tdisable = "libjanus_jsonlog.so"
}}
events: {{
\tdisable = "{disable_events}"
}}
""")
    (folder / "janus.transport.websockets.jcfg").write_text(f"""general: {{
\tjson = "plain"
\tws = true
\tws_port = {ports.ws}
\tws_ip = "{host}"
\twss = false
}}
admin: {{
\tadmin_ws = false
\tadmin_wss = false
}}
""")
    # Rooms are made by the app through the API (with the admin key), never
    # from this file; nothing can forward RTP elsewhere without the key.
    (folder / "janus.plugin.videoroom.jcfg").write_text(f"""general: {{
\tadmin_key = "{admin_key}"
\tlock_rtp_forward = true
}}
""")
    return folder / "janus.jcfg"


def coturn_config_write(folder: Path, *, secret: str, port: int, tls_port: int, realm: str = "wellbeing",
                        host: str = "127.0.0.1", relay_ip: str = "", relay_min: int = 0, relay_max: int = 0,
                        allow_loopback: bool = False, cert: str = "", pkey: str = "") -> Path:
    """Write turnserver.conf for the REST-API scheme (`use-auth-secret`):
    only credentials minted by the app with `secret` are accepted."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        f"listening-ip={host}",
        f"relay-ip={relay_ip or host}",
        f"listening-port={port}",
        f"tls-listening-port={tls_port}",
        "fingerprint",
        "use-auth-secret",
        f"static-auth-secret={secret}",
        f"realm={realm}",
        "no-cli",
        "no-multicast-peers",
        "stale-nonce=600",
        "no-tlsv1",
        "no-tlsv1_1",
        f"pidfile={folder / 'turnserver.pid'}",
        f"userdb={folder / 'turndb'}",
        f"log-file={folder / 'turnserver.log'}",
        "simple-log",
    ]
    if cert and pkey:  # TURN over TLS (port 443 in production) for networks that allow only HTTPS
        lines += [f"cert={cert}", f"pkey={pkey}"]
    else:
        lines += ["no-tls", "no-dtls"]
    if relay_min:
        lines += [f"min-port={relay_min}", f"max-port={relay_max}"]
    if allow_loopback:
        lines.append("allow-loopback-peers")  # local tests and `make run` only: peers on 127.0.0.1
    else:
        lines.append("denied-peer-ip=127.0.0.0-127.255.255.255")
    path = folder / "turnserver.conf"
    path.write_text("\n".join(lines) + "\n")
    return path


def primary_ip() -> str:
    """This machine's address on its main network interface (where Janus
    gathers its candidates), or 127.0.0.1 without one. No packet is sent."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET: only the routing table is consulted
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if port_open(host, port):
            return True
        time.sleep(0.1)
    return False


def janus_command(config: Path, *, log: Path) -> list[str]:
    binary = shutil.which("janus")
    if binary is None:
        raise FileNotFoundError("janus is not on the PATH")
    return [binary, "--config", str(config), "--configs-folder", str(config.parent), "--log-file", str(log),
            "--disable-colors"]


def coturn_command(config: Path) -> list[str]:
    binary = shutil.which("turnserver")
    if binary is None:
        raise FileNotFoundError("turnserver (coturn) is not on the PATH")
    return [binary, "-c", str(config)]


def janus_start(config: Path, *, log: Path) -> subprocess.Popen:
    """Start Janus with the configuration written by `janus_config_write`."""
    return subprocess.Popen(janus_command(config, log=log),  # noqa: S603 - our own binary and arguments
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def coturn_start(config: Path) -> subprocess.Popen:
    return subprocess.Popen(coturn_command(config),  # noqa: S603 - our own binary and arguments
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@dataclass(frozen=True)
class LocalMedia:
    """What `manage.py serve` starts for `make run`: the commands, and the
    settings (environment) the web server needs to use them."""

    commands: dict[str, list[str]]
    environment: dict[str, str]


def local_media_servers(folder: Path, *, janus_port: int = 8188, turn_port: int = 3478,
                        public_host: str = "127.0.0.1", nat: JanusNat | None = None) -> LocalMedia | None:
    """Configuration under `folder` (var/) for a local Janus, and coturn if
    installed, with fresh secrets; None without Janus on the PATH. `nat`
    (default: from JANUS_PUBLIC_IP and friends in the environment) as
    `JanusNat` describes."""
    if shutil.which("janus") is None:
        return None
    import secrets

    api_secret, admin_key = secrets.token_hex(16), secrets.token_hex(16)
    import os

    janus = janus_config_write(folder / "janus", api_secret=api_secret, admin_key=admin_key,
                               ports=JanusPorts(ws=janus_port), nat=nat or JanusNat.from_env(os.environ))
    commands = {"janus": janus_command(janus, log=folder / "janus" / "janus.log")}
    environment = {"JANUS_URLS": f"ws://127.0.0.1:{janus_port}", "JANUS_API_SECRET": api_secret,
                   "JANUS_ADMIN_KEY": admin_key}
    if shutil.which("turnserver"):
        turn_secret = secrets.token_hex(16)
        relay = primary_ip()
        coturn = coturn_config_write(folder / "coturn", secret=turn_secret, port=turn_port, tls_port=turn_port + 1,
                                     host=public_host, relay_ip=relay)
        commands["coturn"] = coturn_command(coturn)
        environment.update({
            "TURN_SECRET": turn_secret,
            "TURN_URLS": f"turn:{public_host}:{turn_port}?transport=udp,turn:{public_host}:{turn_port}?transport=tcp",
        })
    return LocalMedia(commands, environment)


def process_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
