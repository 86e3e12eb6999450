"""Vendor third-party front-end assets into static/vendor/ so pages never load them from a CDN.

Each asset is pinned below: the npm tarball URL and its `dist.integrity` (as the registry publishes it),
plus the sha256 of every file taken from the tarball. The files are committed; this script only
reproduces them and checks they have not drifted.

    python tools/vendor_assets.py           # download, verify, write static/vendor/<name>/
    python tools/vendor_assets.py --check   # no network: verify the committed files match the pins

To upgrade: look the new version up at https://registry.npmjs.org/<package>, copy its `version`,
`dist.tarball` and `dist.integrity` into ASSETS, run the script once (it stops at the sha256 check and
prints the new digest), pin that digest, run it again, check the pages still work, commit static/vendor/.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"


@dataclass(frozen=True)
class Asset:
    package: str
    version: str
    tarball: str
    integrity: str  # npm's Subresource-Integrity string: "sha512-<base64>"
    files: dict[str, tuple[str, str]]  # member in the tarball -> (name under static/vendor/<dir>, sha256)
    main: str  # the file whose digest VERSION records

    def version_text(self) -> str:
        return f"{self.package} {self.version}\nsha256 {self.files_by_name()[self.main]}\n"

    def files_by_name(self) -> dict[str, str]:
        return dict(self.files.values())


ASSETS: dict[str, Asset] = {
    "chartjs": Asset(
        package="chart.js",
        version="4.6.2",
        tarball="https://registry.npmjs.org/chart.js/-/chart.js-4.6.2.tgz",
        integrity="sha512-xachB+pPHjp0syJi7llUBA1w3kMYl6NF3o7eVrvjnWCT+IB2zMaF2pX5UYDiwbbfsioFEIRnAjreNOMsGj5TIA==",
        files={
            "package/dist/chart.umd.min.js": (
                "chart.umd.min.js", "3f288f4f26882c26b58931fb586a9b4f30370b5de38d69dc005b0bd05b08e113"),
            "package/LICENSE.md": (
                "LICENSE.md", "41a84aa2caba645f966a18d9c2056b73e6d3a81d80bc0046bc0011a2634d4cce"),
        },
        main="chart.umd.min.js",
    ),
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(asset: Asset) -> dict[str, bytes]:
    """The asset's files by their vendored name, every digest verified; raises ValueError on any mismatch."""
    with urllib.request.urlopen(asset.tarball, timeout=60) as response:
        blob = response.read()
    algorithm, _, expected = asset.integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, blob).digest()).decode()
    if actual != expected:
        raise ValueError(f"{asset.tarball}: integrity {algorithm}-{actual} != pinned {asset.integrity}")
    out: dict[str, bytes] = {}
    # Read named members only, never extractall: a tarball's paths are not to be trusted.
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        for member, (name, digest) in asset.files.items():
            handle = tar.extractfile(member)  # KeyError if the layout changed between releases
            if handle is None:
                raise ValueError(f"{asset.tarball}: {member} is not a regular file")
            data = handle.read()
            if sha256(data) != digest:
                raise ValueError(f"{member}: sha256 {sha256(data)} != pinned {digest}")
            out[name] = data
    return out


def vendor() -> None:
    # Fetch and verify everything before writing anything, so a bad pin leaves the tree untouched.
    fetched = {key: fetch(asset) for key, asset in ASSETS.items()}
    for key, files in fetched.items():
        target = VENDOR / key
        target.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (target / name).write_bytes(data)
        (target / "VERSION").write_text(ASSETS[key].version_text(), encoding="utf-8")
        print(f"{target.relative_to(ROOT)}: {ASSETS[key].package} {ASSETS[key].version}")


def problems() -> list[str]:
    """What differs between static/vendor/ and the pins; empty when everything matches."""
    found: list[str] = []
    for key, asset in ASSETS.items():
        target = VENDOR / key
        for name, digest in asset.files_by_name().items():
            path = target / name
            if not path.is_file():
                found.append(f"{path.relative_to(ROOT)}: missing")
            elif sha256(path.read_bytes()) != digest:
                found.append(f"{path.relative_to(ROOT)}: sha256 does not match the pin {digest}")
        version = target / "VERSION"
        if not version.is_file() or version.read_text(encoding="utf-8") != asset.version_text():
            found.append(f"{version.relative_to(ROOT)}: missing or not {asset.package} {asset.version}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="verify the vendored files offline")
    args = parser.parse_args(argv)
    if args.check:
        found = problems()
        for line in found:
            print(line, file=sys.stderr)
        if found:
            print("vendored assets do not match tools/vendor_assets.py; run it to re-vendor", file=sys.stderr)
            return 1
        print("vendored assets match their pins")
        return 0
    try:
        vendor()
    except (OSError, KeyError, ValueError) as error:
        print(f"vendoring failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
