"""A wheel (not the editable install) carries the schemas and finds them from any directory."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SCHEMAS = REPOSITORY / "schemas"


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, check=True
    )


@pytest.fixture(scope="module")
def installed_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the tap's wheel; its dependencies come from the dev venv (offline)."""
    root = tmp_path_factory.mktemp("wheel-install")
    wheels = root / "wheels"
    _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
        "-w", wheels, REPOSITORY / "tap-intercom",
    )  # fmt: skip
    target = root / "venv"
    venv.create(target, with_pip=False)
    site_packages = next(target.glob("lib/python*/site-packages"))
    (site_packages / "dev_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(wheels.glob("*.whl"))
    _run(
        sys.executable, "-m", "pip", "--python", target / "bin" / "python",
        "install", "--no-deps", "--no-index", "-q", wheel,
    )  # fmt: skip
    return target


def test_installed_package_is_the_wheel_copy(installed_venv: Path, tmp_path: Path) -> None:
    result = _run(
        installed_venv / "bin" / "python",
        "-c",
        "import tap_intercom, tap_intercom.schema_files as s; "
        "print(tap_intercom.__file__); print(s.schemas_folder())",
        cwd=tmp_path,
    )
    package_file, schemas_folder = result.stdout.split()
    assert Path(package_file).is_relative_to(installed_venv)
    assert Path(schemas_folder).is_relative_to(installed_venv)


def test_installed_tap_discovers_every_stream_from_another_directory(
    installed_venv: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"access_token": "unused", "api_url": "http://127.0.0.1:9"}))

    result = _run(
        installed_venv / "bin" / "tap-intercom", "--config", config, "--discover", cwd=tmp_path
    )

    catalog = {entry["tap_stream_id"]: entry for entry in json.loads(result.stdout)["streams"]}
    expected = {path.stem: json.loads(path.read_text()) for path in SCHEMAS.glob("*.json")}
    assert set(catalog) == set(expected)
    for name, schema in expected.items():
        assert catalog[name]["schema"]["properties"] == schema["properties"], name
