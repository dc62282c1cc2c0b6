"""A local mirror of the CDN files folium's HTML loads, built from the npm registry.

folium's maps reference Leaflet, jQuery, Bootstrap, Font Awesome and Leaflet.awesome-markers on public
CDNs. Where those cannot be reached (this machine, air-gapped offices) the map never draws, so the
browser tests answer every CDN request from this mirror instead: ``npm pack`` fetches each library's
published tarball once into a git-ignored folder (``.cdn-mirror/`` by default), and :func:`resolve` maps a
CDN address to the file inside it. Nothing from these libraries is copied into the repository.

Two stylesheets folium names are not published on npm (Bootstrap 3's separate glyphicons sheet and
folium's own ``leaflet.awesome.rotate`` sheet); the map uses neither glyphicons nor rotated markers, so
they are answered with an empty stylesheet.

Run ``python tests/browser/cdn_mirror.py [FOLDER]`` to build the mirror (``.ci/run`` does).
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MIRROR = ROOT / ".cdn-mirror"


@dataclass(frozen=True)
class Package:
    """One npm tarball and the CDN addresses it answers.

    ``prefixes`` maps a CDN address prefix to a folder inside the unpacked package; an address that
    starts with the prefix is answered with the same remainder below that folder.
    """

    spec: str
    prefixes: tuple[tuple[str, str], ...]


PACKAGES: tuple[Package, ...] = (
    Package("leaflet@1.9.3", (("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/", ""),)),
    Package("jquery@3.7.1", (("https://code.jquery.com/jquery-3.7.1.min.js", "dist/jquery.min.js"),)),
    Package("bootstrap@5.2.2", (("https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/", ""),)),
    Package(
        "@fortawesome/fontawesome-free@6.2.0",
        (("https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/", ""),),
    ),
    # cdnjs serves Leaflet.awesome-markers 2.0.2 flat; this npm repackaging of the same release keeps
    # the script in js/ and the stylesheet with its images in css/.
    Package(
        "drmonty-leaflet-awesome-markers@2.0.2",
        (
            (
                "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js",
                "js/leaflet.awesome-markers.js",
            ),
            (
                "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css",
                "css/leaflet.awesome-markers.css",
            ),
            ("https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/images/", "css/images/"),
        ),
    ),
)

#: Addresses answered with an empty stylesheet (not published on npm; see the module docstring).
EMPTY_STYLESHEETS: frozenset[str] = frozenset(
    {
        "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",
        "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css",
    }
)

#: Hosts whose requests must all be answered by the mirror (a miss fails the browser tests).
CDN_HOSTS: tuple[str, ...] = (
    "cdn.jsdelivr.net",
    "code.jquery.com",
    "cdnjs.cloudflare.com",
    "netdna.bootstrapcdn.com",
)

CONTENT_TYPES = {
    ".js": "application/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
}


def package_dir(mirror: Path, package: Package) -> Path:
    """Where ``package`` is unpacked inside ``mirror``."""
    return mirror / package.spec.replace("/", "__")


def build_mirror(mirror: Path = DEFAULT_MIRROR) -> Path:
    """Fetch and unpack every package that is not in ``mirror`` yet; return ``mirror``."""
    mirror.mkdir(parents=True, exist_ok=True)
    for package in PACKAGES:
        target = package_dir(mirror, package)
        if target.is_dir():
            continue
        result = subprocess.run(
            ["npm", "pack", package.spec, "--silent", "--pack-destination", str(mirror)],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        tarball = mirror / result.stdout.strip().splitlines()[-1]
        partial = target.with_suffix(".partial")
        with tarfile.open(tarball) as archive:
            archive.extractall(partial, filter="data")
        (partial / "package").rename(target)
        partial.rmdir()
        tarball.unlink()
    return mirror


def is_complete(mirror: Path = DEFAULT_MIRROR) -> bool:
    """Whether every package has been unpacked into ``mirror``."""
    return all(package_dir(mirror, package).is_dir() for package in PACKAGES)


def resolve(url: str, mirror: Path = DEFAULT_MIRROR) -> tuple[bytes, str] | None:
    """The body and content type answering ``url``, or ``None`` if the mirror does not hold it."""
    address = url.split("?", 1)[0].split("#", 1)[0]
    if address in EMPTY_STYLESHEETS:
        return b"", "text/css"
    for package in PACKAGES:
        for prefix, inside in package.prefixes:
            if not address.startswith(prefix):
                continue
            path = package_dir(mirror, package) / (inside + address[len(prefix) :])
            if path.is_file():
                return path.read_bytes(), CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    return None


if __name__ == "__main__":
    folder = build_mirror(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_MIRROR)
    print(f"CDN mirror ready in {folder}")
