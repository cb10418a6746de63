"""Copy the NHS.UK frontend from node_modules into static/vendor/.

Run by `make frontend` after `npm ci`. The stylesheet is rewritten so that
nothing is fetched from a third-party host: the Frutiger @font-face rules
(served from assets.nhs.uk) are dropped, so text falls back to Arial as the
design system intends, and image URLs point at our own static files.
"""

import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "nhsuk-frontend"
TARGET = ROOT / "static" / "vendor" / "nhsuk-frontend"
ASSET_URL = "/static/vendor/nhsuk-frontend/assets/"


def _strip_source_map(text: str) -> str:
    return re.sub(r"\n?(/\*# sourceMappingURL=[^*]*\*/|//# sourceMappingURL=\S*)\s*$", "\n", text)


def main() -> None:
    version = json.loads((SOURCE / "package.json").read_text())["version"]
    dist = SOURCE / "dist" / "nhsuk"
    shutil.rmtree(TARGET, ignore_errors=True)
    TARGET.mkdir(parents=True)
    shutil.copytree(dist / "assets", TARGET / "assets")
    # Source maps are not vendored, so their references go (the manifest
    # storage of collectstatic refuses a reference to a missing file).
    js = (dist / "nhsuk-frontend.min.js").read_text()
    (TARGET / "nhsuk-frontend.min.js").write_text(_strip_source_map(js))
    css = (dist / "nhsuk-frontend.min.css").read_text()
    css = re.sub(r"@font-face\{[^}]*assets\.nhs\.uk[^}]*\}", "", css)
    css = _strip_source_map(css.replace("/assets/", ASSET_URL))
    if "https://" in css or "http://" in css:
        raise SystemExit("the stylesheet still names a remote host")
    (TARGET / "nhsuk-frontend.min.css").write_text(css)
    (TARGET / "VERSION").write_text(version + "\n")
    axe = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if axe.exists():
        (ROOT / "tests" / "browser" / "vendor").mkdir(parents=True, exist_ok=True)
        shutil.copy(axe, ROOT / "tests" / "browser" / "vendor" / "axe.min.js")
    print(f"nhsuk-frontend {version} copied to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
