"""Janus's generated `nat` section (core/mediaserver.py `JanusNat`): what
JANUS_PUBLIC_IP, JANUS_STUN_SERVER and JANUS_TURN_REST_API put in it, and
that nothing but well-formed values can reach the file. (That Janus starts
with it and uses it: rooms/tests/test_media_nat.py.)"""

import subprocess
from pathlib import Path

import pytest

from core.mediaserver import JanusNat, JanusPorts, janus_config_write

KEY = "k" * 24


def _nat_section(tmp_path, nat) -> str:
    text = janus_config_write(tmp_path, api_secret="a", admin_key="b", ports=JanusPorts(), nat=nat).read_text()
    return text.split("nat: {", 1)[1].split("}", 1)[0]


def test_without_settings_janus_uses_its_own_addresses_and_no_relay(tmp_path):
    section = _nat_section(tmp_path, None)
    for name in ("nat_1_1_mapping", "stun_server", "turn_server", "turn_rest_api", "turn_user", "turn_pwd"):
        assert name not in section
    assert "full_trickle = false" in section


def test_the_public_address_is_mapped_and_the_private_one_kept_for_the_relays(tmp_path):
    section = _nat_section(tmp_path, JanusNat.from_env({"JANUS_PUBLIC_IP": "203.0.113.7, 198.51.100.2"}))
    assert '\tnat_1_1_mapping = "203.0.113.7,198.51.100.2"\n' in section
    assert "\tkeep_private_host = true\n" in section


def test_stun_and_the_apps_turn_credentials_for_janus_itself(tmp_path):
    nat = JanusNat.from_env({"JANUS_STUN_SERVER": "turn.example.nhs.uk:3478",
                             "JANUS_TURN_REST_API": "http://10.0.0.5:8000/rooms/janus/turn/",
                             "JANUS_TURN_REST_KEY": KEY})
    section = _nat_section(tmp_path, nat)
    assert '\tstun_server = "turn.example.nhs.uk"\n\tstun_port = 3478\n' in section
    assert '\tturn_rest_api = "http://10.0.0.5:8000/rooms/janus/turn/"\n' in section
    assert f'\tturn_rest_api_key = "{KEY}"\n' in section
    assert '\tturn_rest_api_method = "GET"\n' in section
    # Never a static TURN user: its password would be a long-lived credential in a file.
    assert "turn_user" not in section
    assert "turn_pwd" not in section


@pytest.mark.parametrize("environ", [
    {"JANUS_PUBLIC_IP": 'nat.example.org"\nadmin_secret = "x'},
    {"JANUS_PUBLIC_IP": "203.0.113.300"},
    {"JANUS_STUN_SERVER": "turn.example.nhs.uk"},
    {"JANUS_STUN_SERVER": 'a:1"\n'},
    {"JANUS_TURN_REST_API": "http://app/turn/", "JANUS_TURN_REST_KEY": "short"},
    {"JANUS_TURN_REST_API": 'http://app/turn/"\nx', "JANUS_TURN_REST_KEY": KEY},
    {"JANUS_TURN_REST_API": "file:///etc/passwd", "JANUS_TURN_REST_KEY": KEY},
])
def test_malformed_settings_are_refused_before_they_reach_the_file(environ):
    with pytest.raises(ValueError, match="address|JANUS_"):
        JanusNat.from_env(environ)


DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "janus"
FULL = {"JANUS_PUBLIC_IP": "203.0.113.7, 198.51.100.2", "JANUS_STUN_SERVER": "turn.example.nhs.uk:3478",
        "JANUS_TURN_REST_API": "http://10.0.0.5:8000/rooms/janus/turn/", "JANUS_TURN_REST_KEY": KEY}


def _deployed(environ: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(DEPLOY / "nat.sh")], env={"PATH": "/usr/bin:/bin", **environ},  # noqa: S603, S607
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize("environ", [{}, {"JANUS_PUBLIC_IP": "203.0.113.7"}, FULL])
def test_the_deployed_container_writes_the_same_nat_settings(environ):
    deployed = _deployed(environ)
    assert deployed.returncode == 0, deployed.stderr
    assert deployed.stdout == JanusNat.from_env(environ).lines()
    assert "\n${JANUS_NAT}\n}" in (DEPLOY / "janus.jcfg.template").read_text().split("nat: {", 1)[1]


@pytest.mark.parametrize("environ", [
    {"JANUS_PUBLIC_IP": 'nat.example.org"\nadmin_secret = "x'},
    {"JANUS_STUN_SERVER": "turn.example.nhs.uk"},
    {"JANUS_TURN_REST_API": "http://app/turn/"},
])
def test_the_deployed_container_refuses_malformed_settings(environ):
    assert _deployed(environ).returncode != 0


def test_make_run_takes_janus_public_address_from_the_environment(tmp_path, monkeypatch):
    import shutil

    from core.mediaserver import local_media_servers

    if shutil.which("janus") is None:
        pytest.skip("janus is not installed (apt-get install janus; .ci/run does)")
    monkeypatch.setenv("JANUS_PUBLIC_IP", "203.0.113.9")
    monkeypatch.delenv("JANUS_TURN_REST_API", raising=False)
    monkeypatch.delenv("JANUS_STUN_SERVER", raising=False)
    assert local_media_servers(tmp_path, janus_port=18199) is not None
    assert '\tnat_1_1_mapping = "203.0.113.9"\n' in (tmp_path / "janus" / "janus.jcfg").read_text()
