"""Both plugins as a user gets them from a package index: `python -m build` makes an sdist and
a wheel built from that sdist; each sdist, installed into a fresh virtualenv, runs from a folder
outside the repository."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds two packages and a virtualenv (about 20 s)

REPOSITORY = Path(__file__).resolve().parents[2]
SCHEMAS = REPOSITORY / "schemas"
PACKAGES = {"tap-intercom": "tap_intercom_supabase", "target-supabase": "target_supabase"}


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m build` of each plugin: the sdist, then the wheel built from that sdist. No
    isolation, so no download: hatchling comes from the dev virtualenv."""
    out = tmp_path_factory.mktemp("dist")
    for folder in PACKAGES:
        run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, REPOSITORY / folder)
    return out


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv holding both plugins, each installed from its sdist. The plugins'
    dependencies come from the dev virtualenv (offline), through a .pth file."""
    target = tmp_path_factory.mktemp("sdist-install") / "venv"
    venv.create(target, with_pip=False)
    site_packages = next(target.glob("lib/python*/site-packages"))
    (site_packages / "dev_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    sdists = sorted(dist.glob("*.tar.gz"))
    assert len(sdists) == len(PACKAGES)
    run(
        sys.executable, "-m", "pip", "--python", target / "bin" / "python", "install",
        "--no-deps", "--no-index", "--no-build-isolation", "-q", *sdists,
    )  # fmt: skip
    return target / "bin"


def sdist_names(dist: Path, package: str) -> set[str]:
    with tarfile.open(next(dist.glob(f"{package}-*.tar.gz"))) as sdist:
        return {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}


def wheel_names(dist: Path, package: str) -> set[str]:
    with zipfile.ZipFile(next(dist.glob(f"{package}-*.whl"))) as wheel:
        return set(wheel.namelist())


def wheel_metadata(dist: Path, package: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    with zipfile.ZipFile(next(dist.glob(f"{package}-*.whl"))) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(wheel.read(name).decode())
    return dict(message.items()), list(message.items())


@pytest.mark.parametrize("package", PACKAGES.values())
def test_sdist_and_wheel_carry_the_license(dist: Path, package: str) -> None:
    license_text = (REPOSITORY / "LICENSE").read_text()

    assert "LICENSE" in sdist_names(dist, package)
    licenses = [n for n in wheel_names(dist, package) if n.endswith(".dist-info/licenses/LICENSE")]
    assert licenses
    for folder in PACKAGES:
        assert (REPOSITORY / folder / "LICENSE").read_text() == license_text, folder


def test_the_wheel_built_from_the_sdist_has_every_schema(dist: Path) -> None:
    expected = {f"tap_intercom/schemas/{path.name}" for path in SCHEMAS.glob("*.json")}

    assert expected <= sdist_names(dist, "tap_intercom_supabase")
    assert expected <= wheel_names(dist, "tap_intercom_supabase")


@pytest.mark.parametrize("package", PACKAGES.values())
def test_the_metadata_a_package_index_shows(dist: Path, package: str) -> None:
    fields, items = wheel_metadata(dist, package)

    assert fields["License-Expression"] == "MIT"
    assert fields["Summary"]
    assert "meltano" in fields["Keywords"]
    urls = dict(value.split(", ", 1) for key, value in items if key == "Project-URL")
    assert set(urls) >= {"Homepage", "Documentation", "Source", "Issues"}
    classifiers = [value for key, value in items if key == "Classifier"]
    assert "Programming Language :: Python :: 3.10" in classifiers


@pytest.mark.parametrize("plugin", PACKAGES)
def test_the_installed_plugin_answers_about_from_another_folder(
    installed: Path, tmp_path: Path, plugin: str
) -> None:
    done = run(installed / plugin, "--about", "--format", "json", cwd=tmp_path)

    about = json.loads(done.stdout)
    assert about["name"] == plugin
    assert about["settings"]["properties"]
    assert "about" in about["capabilities"]


def test_the_installed_tap_discovers_every_stream_from_another_folder(
    installed: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"access_token": "unused", "api_url": "http://127.0.0.1:9"}))

    done = run(installed / "tap-intercom", "--config", config, "--discover", cwd=tmp_path)

    catalog = {entry["tap_stream_id"]: entry for entry in json.loads(done.stdout)["streams"]}
    expected = {path.stem: json.loads(path.read_text()) for path in SCHEMAS.glob("*.json")}
    assert set(catalog) == set(expected)
    for name, schema in expected.items():
        assert catalog[name]["schema"]["properties"] == schema["properties"], name
    # The copy inside the installed package, not the repository's folder.
    where = run(
        installed / "python", "-c",
        "import tap_intercom.schema_files as s; print(s.schemas_folder())", cwd=tmp_path,
    )  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(installed.parent)


def test_the_installed_target_prints_the_schema_sql_for_the_installed_tap(
    installed: Path, tmp_path: Path
) -> None:
    """The target's DDL for the tap's streams, both from their sdists, as the checked-in SQL."""
    config = tmp_path / "target.json"
    config.write_text("{}")

    done = run(
        installed / "target-supabase-ops", "apply-schema", "--print-sql", "--config", config,
        "--tap", installed / "tap-intercom", cwd=tmp_path,
    )  # fmt: skip

    checked_in = (SCHEMAS / "supabase.sql").read_text()
    body = "".join(line for line in checked_in.splitlines(True) if not line.startswith("--"))
    assert done.stdout == body
