"""The front-end libraries under static/vendor/ are exactly the pinned upstream files, and self-contained."""

import hashlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "vendor_assets.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("vendor_assets", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve the module through sys.modules while the class body runs.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


vendor_assets = _load_script()
FILES = [(key, name, digest) for key, asset in vendor_assets.ASSETS.items()
         for name, digest in asset.files_by_name().items()]


@pytest.mark.parametrize(("key", "name", "digest"), FILES, ids=[f"{k}/{n}" for k, n, _ in FILES])
def test_vendored_file_matches_its_pin(key, name, digest):
    path = vendor_assets.VENDOR / key / name
    assert path.is_file(), f"{path} missing: run python tools/vendor_assets.py"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("key", vendor_assets.ASSETS)
def test_version_file_names_the_pinned_version(key):
    asset = vendor_assets.ASSETS[key]
    lines = (vendor_assets.VENDOR / key / "VERSION").read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"{asset.package} {asset.version}"
    assert lines[1] == f"sha256 {asset.files_by_name()[asset.main]}"


@pytest.mark.parametrize("key", vendor_assets.ASSETS)
def test_script_loads_nothing_remote(key):
    asset = vendor_assets.ASSETS[key]
    source = (vendor_assets.VENDOR / key / asset.main).read_text(encoding="utf-8")
    # License and homepage links in comments are fine; a remote source map or script load is not.
    assert not re.search(r"sourceMappingURL\s*=\s*(https?:)?//", source)
    assert not re.search(r"""(importScripts|\.src\s*=|import)\s*\(?\s*["'`]https?://""", source)


def test_check_mode_passes():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr


def test_check_mode_reports_a_tampered_file(tmp_path, monkeypatch):
    monkeypatch.setattr(vendor_assets, "ROOT", tmp_path)
    monkeypatch.setattr(vendor_assets, "VENDOR", tmp_path / "static" / "vendor")
    for key, asset in vendor_assets.ASSETS.items():
        target = vendor_assets.VENDOR / key
        target.mkdir(parents=True)
        (target / asset.main).write_text("tampered")
    assert vendor_assets.main(["--check"]) == 1
