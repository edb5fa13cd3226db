"""Make the Debian package from the one-folder bundle (``build/package`` runs it).

Lays out dist/probation-desk/ under /opt/probation-desk, the command on the PATH
(/usr/bin/probation-desk, a link to the console executable), the .desktop file and the
icon, and writes dist/probation-desk_VERSION_amd64.deb with ``dpkg-deb``.

Depends is worked out, not hand-kept: every shared library that a file in the bundle
needs directly (its ELF NEEDED entries, read with ``readelf``) and that the bundle does not
carry is looked up on this system (``ldconfig -p``) and mapped to the Debian package that
owns it (``dpkg -S``); libraries Qt opens at run time rather than linking (D-Bus) are
added by name. The bundle's Qt wheel is built for glibc 2.28, so a Debian 12 system
(the build machine's kind) has every one of them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUNDLE = DIST / "probation-desk"
PREFIX = "opt/probation-desk"

DLOPENED = ("libdbus-1.so.3",)
"""Libraries Qt loads with dlopen (no NEEDED entry): QtDBus's libdbus."""


def version() -> str:
    """The version the spec wrote beside the bundle (from probation_desk/__init__.py)."""
    return (DIST / "VERSION").read_text(encoding="utf-8").strip()


def _elf_files(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def needed(path: Path) -> list[str]:
    """The shared libraries an ELF file names as NEEDED."""
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def system_libraries(bundle: Path = BUNDLE) -> dict[str, str]:
    """{library name: its path on this system} for each library the bundle needs and lacks."""
    inside = {p.name for p in bundle.rglob("*")}
    wanted: set[str] = set(DLOPENED)
    for elf in _elf_files(bundle):
        wanted.update(n for n in needed(elf) if n not in inside)
    cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True,
                           check=True).stdout
    where: dict[str, str] = {}
    for line in cache.splitlines():
        m = re.match(r"\s*(\S+) \(([^)]*)\) => (\S+)", line)
        if m and "x86-64" in m.group(2) and m.group(1) not in where:
            where[m.group(1)] = m.group(3)
    missing = sorted(wanted - where.keys())
    if missing:
        raise SystemExit("These libraries the bundle needs are not on this system, so "
                         f"their Debian packages cannot be named: {', '.join(missing)}")
    return {name: where[name] for name in sorted(wanted)}


def owner(path: str) -> str:
    """The Debian package that owns ``path`` (either side of the /usr merge)."""
    real = os.path.realpath(path)
    candidates = {path, real}
    for p in list(candidates):
        if p.startswith("/usr/lib/"):
            candidates.add(p.removeprefix("/usr"))
        elif p.startswith("/lib/"):
            candidates.add("/usr" + p)
    for p in sorted(candidates):
        out = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.split(":", 1)[0].split(",")[0].strip()
    raise SystemExit(f"No Debian package owns {path}: cannot name it in Depends.")


def depends(bundle: Path = BUNDLE) -> list[str]:
    """The Debian packages the bundle needs, sorted, each once."""
    return sorted({owner(path) for path in system_libraries(bundle).values()})


def _size_kib(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*")) // 1024 + 1


def build_deb() -> Path:
    """Lay out the package tree and build the .deb; returns its path."""
    ver = version()
    stage = DIST / "deb"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(BUNDLE, stage / PREFIX, symlinks=True)
    (stage / "usr/bin").mkdir(parents=True)
    (stage / "usr/bin/probation-desk").symlink_to("/opt/probation-desk/probation-desk")
    apps = stage / "usr/share/applications"
    apps.mkdir(parents=True)
    shutil.copy(ROOT / "build" / "probation-desk.desktop", apps / "probation-desk.desktop")
    icons = stage / "usr/share/icons/hicolor"
    (icons / "scalable/apps").mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "icons" / "app.svg",
                icons / "scalable/apps/probation-desk.svg")
    for png in sorted((DIST / "icons").glob("probation-desk-*.png")):
        size = png.stem.rsplit("-", 1)[1]
        target = icons / f"{size}x{size}/apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(png, target / "probation-desk.png")
    doc = stage / "usr/share/doc/probation-desk"
    doc.mkdir(parents=True)
    shutil.copy(ROOT / "build" / "debian" / "copyright", doc / "copyright")
    for path in stage.rglob("*"):  # what dpkg-deb and lintian expect, whatever the umask
        if path.is_symlink():
            continue
        if path.is_dir() or os.access(path, os.X_OK):
            path.chmod(0o755)
        else:
            path.chmod(0o644)
    control = (ROOT / "build" / "debian" / "control.in").read_text(encoding="utf-8")
    control = (control.replace("@VERSION@", ver)
               .replace("@INSTALLED_SIZE@", str(_size_kib(stage)))
               .replace("@DEPENDS@", ", ".join(depends())))
    (stage / "DEBIAN").mkdir()
    (stage / "DEBIAN" / "control").write_text(control, encoding="utf-8")
    out = DIST / f"probation-desk_{ver}_amd64.deb"
    out.unlink(missing_ok=True)
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zzstd", "-z9", "--build", str(stage),
                    str(out)], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(stage)
    return out


if __name__ == "__main__":
    if "--depends" in sys.argv:
        print(", ".join(depends()))
    else:
        print(build_deb())
