"""The README's picture of the layers is the contract import-linter checks."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["id"] == "apps"]
    return [" | ".join(part.strip() for part in layer.split("|")) for layer in contract["layers"]]


def _readme_layers() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Layers (checked by `make lint`)", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.DOTALL).group(1)
    return [re.split(r"\s{2,}", line.strip())[0] for line in block.splitlines() if line.strip()]


def test_the_readme_lists_the_layers_of_the_contract():
    assert _readme_layers() == _contract_layers()


def test_every_app_is_in_a_layer():
    from django.conf import settings

    ours = {app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()}
    layered = {name.strip() for layer in _contract_layers() for name in layer.split("|")}
    assert ours | {"wellbeing"} == layered

