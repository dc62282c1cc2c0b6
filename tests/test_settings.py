"""Where the data and the page's files are found: a checkout, another data folder named by
``ATLAS_DATA_DIR``, or the package data of an installed copy (``pip install .``), which the CLI and
the app use from any directory, with no checkout in sight."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from geodata import settings
from tests.browser import harness

IN_CI = os.environ.get("CI", "").lower() == "true"
APP_SCRIPT, UI = "app.py", "ui"  # the app: app.py, its ui/ package beside it (README, "Set up and run")


def run_python(code: str, *, env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", settings.DATA_DIR_VARIABLE)
    }
    return env | extra


def test_a_checkout_reads_its_own_folders() -> None:
    assert settings.DATA_DIR == settings.ROOT
    assert settings.ZONES_DIR == settings.ROOT / "zones"
    assert (settings.STATIC_DIR / "livemap.js").is_file()
    assert settings.LEAFLET_DIR == settings.ROOT / "vendor" / "leaflet"


def test_the_app_files_are_every_script_of_the_checkout_root() -> None:
    """What is copied to run the app elsewhere is the whole app: no top-level script left behind,
    and ``ui/`` is one flat package (copied whole)."""
    assert [path.name for path in settings.ROOT.glob("*.py")] == [APP_SCRIPT]
    ui = settings.ROOT / UI
    assert (ui / "__init__.py").is_file()
    assert not list(ui.glob("*/**/*.py"))


def test_another_data_folder_can_be_named(tmp_path: Path) -> None:
    env = clean_env(PYTHONPATH=str(settings.ROOT), ATLAS_DATA_DIR=str(tmp_path))
    printed = run_python("from geodata import settings; print(settings.ZONES_DIR)", env=env, cwd=tmp_path)
    assert printed == str(tmp_path.resolve() / "zones")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip install .`` into a folder of its own (the dependencies are this virtualenv's)."""
    work = tmp_path_factory.mktemp("install")
    wheels, target = work / "wheels", work / "site"
    build = [sys.executable, "-m", "pip", "wheel", str(settings.ROOT), "--no-deps", "-q", "-w", str(wheels)]
    subprocess.run(build, check=True, timeout=600, cwd=work)
    (wheel,) = wheels.glob("*.whl")
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)]
    subprocess.run(install, check=True, timeout=600, cwd=work)
    shutil.rmtree(settings.ROOT / "build", ignore_errors=True)
    return target


def test_the_installed_library_and_cli_work_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    env = clean_env(PYTHONPATH=str(installed))
    where = run_python("import geodata.settings as s; print(s.DATA_DIR)", env=env, cwd=tmp_path)
    assert where == str(installed / "geodata" / "data")
    validate = subprocess.run(
        [sys.executable, "-m", "geodata", "validate"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
    out = tmp_path / "view.geojson"
    export = [sys.executable, "-m", "geodata", "export", "--date", "2019-03-08", "--out", str(out)]
    subprocess.run(export, env=env, cwd=tmp_path, check=True, capture_output=True, timeout=300)
    assert out.stat().st_size > 1000


def test_the_installed_app_draws_its_map_from_another_directory(installed: Path, tmp_path: Path) -> None:
    """The app (``app.py`` and its ``ui/`` package, and the ``.streamlit`` settings, copied alone to a
    folder elsewhere) runs on the installed package: data, Leaflet and the page script all come
    from it; nothing is fetched."""
    if not harness.chromium_available():
        if IN_CI:
            pytest.fail("Debian chromium is missing (browser tests must run in CI)")
        pytest.skip("Debian chromium is missing")
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    shutil.copy(settings.ROOT / APP_SCRIPT, app_dir / APP_SCRIPT)
    shutil.copytree(settings.ROOT / UI, app_dir / UI, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(settings.ROOT / ".streamlit", app_dir / ".streamlit")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    traffic = harness.Traffic()
    env = clean_env(PYTHONPATH=str(installed))
    with (
        harness.running_app(script=app_dir / APP_SCRIPT, cwd=elsewhere, env=env) as url,
        sync_playwright() as playwright,
    ):
        browser = harness.launch(playwright)
        context = harness.hermetic_context(browser, traffic)
        page = context.new_page()
        harness.watch(page, traffic)
        page.goto(f"{url}/?date=2019-03-08")
        harness.wait_for_map(page)
        drawn = harness.counts(page)
        context.close()
        browser.close()
    assert drawn["zones"] > 0
    assert drawn["labels"] > 0
    assert traffic.refused == []  # usage statistics included: .streamlit/config.toml turns them off
    assert traffic.errors == []
