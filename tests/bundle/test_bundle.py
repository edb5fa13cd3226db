"""The frozen app, as people install it: built with ``build/package``, then run.

Builds dist/probation-desk/ (and the .deb where dpkg-deb is at hand) once per run, then
runs the frozen console executable as IT and practitioners would: ``selftest``,
``demo --cases 20`` and ``workbook`` (blank, and for a person of the demo) against a
temporary home folder. Any line on standard error that is not expected fails the test,
as qutebrowser's release script does. Selected on its own with ``-m bundle``; a build
takes one to a few minutes here. ``PROBATION_DESK_BUNDLE_DIST=dist`` reuses a build
already made (no build step).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from probation_desk import __version__

pytestmark = pytest.mark.bundle

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_STDERR: tuple[str, ...] = ()
"""Regular expressions for lines the frozen app may print on standard error (none yet)."""
QT_DEBS = ("libegl1", "libgl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3",
           "libglib2.0-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1",
           "libxcb-image0", "libxcb-render-util0", "libxcb-shape0", "libxcb-xkb1",
           "libxkbcommon-x11-0")
"""The Debian libraries the bundled Qt needs (scripts/env.sh: QT_DEBS, QT_WINDOW_DEBS)."""
SIZE_LIMIT_MB = 240
"""The folder was 211 MB when this was written: growth past this is worth a look."""


@pytest.fixture(scope="session")
def dist() -> Path:
    """The dist folder holding a fresh build (or the one named by the environment)."""
    given = os.environ.get("PROBATION_DESK_BUNDLE_DIST")
    if given:
        return Path(given).resolve()
    deb = shutil.which("dpkg-deb") is not None
    cmd = [str(ROOT / "build" / "package")] + ([] if deb else ["--no-deb"])
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3000)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    print(proc.stdout.strip())  # the build time and sizes, in the test's output (-s)
    return ROOT / "dist"


def run(dist: Path, home: Path, *args: str, exe: str = "probation-desk",
        expect: int = 0) -> str:
    """Run a frozen executable against ``home``; returns its output. Fails on an
    unexpected exit status or an unexpected line on standard error."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "PROBATION_DESK_DB", "PYTHONPATH")}
    env["PROBATION_DESK_HOME"] = str(home)
    suffix = ".exe" if os.name == "nt" else ""
    proc = subprocess.run([str(dist / "probation-desk" / f"{exe}{suffix}"), *args], cwd=home,
                          env=env,
                          capture_output=True, text=True, timeout=300)
    unexpected = [line for line in proc.stderr.splitlines()
                  if not any(re.search(p, line) for p in EXPECTED_STDERR)]
    assert not unexpected, f"{args}: unexpected standard error:\n" + "\n".join(unexpected)
    assert proc.returncode == expect, f"{args} exited {proc.returncode}:\n{proc.stdout}"
    return proc.stdout


def test_the_frozen_selftest_passes(dist: Path, tmp_path: Path) -> None:
    report = json.loads(run(dist, tmp_path, "selftest", "--json"))
    assert report["ok"] is True, report
    assert report["versions"]["build"] == "frozen bundle"
    assert report["versions"]["app"] == __version__
    assert report["places"]["program"] == str(dist / "probation-desk")
    checks = {c["name"]: c for c in report["checks"]}
    assert all(c["status"] == "pass" for n, c in checks.items() if n != "Keyring"), checks
    # Review and Dashboard are imported by name: the build must have collected them.
    assert "Review (ReviewPage)" in checks["Window"]["detail"]
    assert "Dashboard (DashboardPage)" in checks["Window"]["detail"]
    fonts = Path("probation-desk", "_internal", "probation_desk", "_resources", "fonts")
    assert str(fonts) in checks["Workbook"]["detail"]
    # The keyring backend for this platform is in the build (a service may not be running).
    assert checks["Keyring"]["status"] == "pass" or \
        "this build has" in checks["Keyring"]["detail"], checks["Keyring"]


def _pdf_text(path: Path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    text = " ".join(p.extract_text() or "" for p in reader.pages)
    return len(reader.pages), " ".join(text.split())  # lines joined: wrapping varies


def test_the_frozen_app_loads_a_demo_and_prints_workbooks(dist: Path, tmp_path: Path) -> None:
    out = run(dist, tmp_path, "demo", "--cases", "20")
    assert out.startswith("Loaded a synthetic caseload")
    db = tmp_path / "data" / "probation-desk.sqlite3"
    with sqlite3.connect(db) as con:
        people = con.execute("SELECT count(*) FROM person").fetchone()[0]
        crn, name = con.execute("SELECT crn, name FROM person ORDER BY crn LIMIT 1").fetchone()
    con.close()
    assert people == 20
    if os.name != "nt":
        assert (db.stat().st_mode & 0o777) == 0o600

    blank = tmp_path / "blank.pdf"
    out = run(dist, tmp_path, "workbook", "--blank", "--out", str(blank))
    pages, text = _pdf_text(blank)
    assert out.strip() == f"Wrote {blank} ({pages} pages)."
    assert "Getting ready: my Pre-Intervention Module" in text

    theirs = tmp_path / "theirs.pdf"
    run(dist, tmp_path, "workbook", "--crn", crn, "--out", str(theirs))
    _pages, text = _pdf_text(theirs)
    assert name.split()[0] in text and crn in text

    # A refusal is words and a status, never a traceback, frozen too.
    env_out = run(dist, tmp_path, "--json", "rar", "Z999999", expect=2)
    assert "Z999999" in json.loads(env_out)["error"]


def test_both_executables_are_the_same_version(dist: Path, tmp_path: Path) -> None:
    for exe in ("probation-desk", "probation-desk-window"):
        assert run(dist, tmp_path, "--version", exe=exe).strip() == \
            f"probation-desk {__version__}"


@pytest.mark.skipif(shutil.which("ldd") is None, reason="ldd (Linux) is not here")
def test_every_library_the_bundle_needs_is_found(dist: Path) -> None:
    """Leaving plugins and libraries out must not leave a needed one missing."""
    bundle = dist / "probation-desk"
    internal = bundle / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}")
    missing = {}
    for path in [bundle / "probation-desk", *internal.rglob("*.so*")]:
        if path.is_symlink() or not path.is_file():
            continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        lost = re.findall(r"^\s*(\S+) => not found", out, re.MULTILINE)
        if lost:
            missing[str(path.relative_to(bundle))] = lost
    assert not missing


def test_the_bundle_leaves_out_what_the_app_does_not_use(dist: Path) -> None:
    internal = dist / "probation-desk" / "_internal"
    names = [p.relative_to(internal).as_posix() for p in internal.rglob("*")]
    # Qt's own translations are left out (the app's catalogue translates Qt's buttons);
    # the app's Welsh catalogue is in, compiled.
    ours = "probation_desk/_resources/translations/"
    assert not [n for n in names if ("/translations/" in n or n.endswith(".qm"))
                and not n.startswith(ours)]
    assert f"{ours}probation_desk_cy.qm" in names
    unused = re.compile(r"libQt6(Qml|Quick|VirtualKeyboard|WaylandClient|EglFS)|libqgtk3|"
                        r"plugins/(platforminputcontexts|tls|networkinformation|wayland-)")
    assert not [n for n in names if unused.search(n)]
    kept = ({"PySide6/plugins/platforms/qwindows.dll", "PySide6/plugins/platforms/qoffscreen.dll",
             "PySide6/plugins/imageformats/qsvg.dll"} if os.name == "nt" else
            {"PySide6/Qt/plugins/platforms/libqxcb.so",
             "PySide6/Qt/plugins/platforms/libqoffscreen.so",
             "PySide6/Qt/plugins/imageformats/libqsvg.so",
             "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so"})
    assert kept <= set(names)
    assert (internal / "probation_desk" / "_resources" / "fonts" / "LICENSE-DejaVu.txt").exists()
    size = sum(p.lstat().st_size for p in (dist / "probation-desk").rglob("*")) / 2**20
    assert size < SIZE_LIMIT_MB, f"the bundle is {size:.0f} MB"


def _debs(dist: Path) -> Sequence[Path]:
    return sorted(dist.glob(f"probation-desk_{__version__}_amd64.deb"))


def test_the_debian_package_installs_where_the_readme_says(dist: Path) -> None:
    debs = _debs(dist)
    if not debs:
        pytest.skip("no .deb was built (dpkg-deb is not on this system)")
    deb = debs[0]

    def field(name: str) -> str:
        return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True,
                              text=True, check=True).stdout

    assert field("Version").strip() == __version__
    depends = {d.strip() for d in field("Depends").split(",")}
    assert set(QT_DEBS) <= depends
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True,
                             check=True).stdout
    entries = {line.split(None, 5)[5] for line in listing.splitlines()}
    assert {"./opt/probation-desk/probation-desk",
            "./opt/probation-desk/probation-desk-window",
            "./usr/bin/probation-desk -> /opt/probation-desk/probation-desk",
            "./usr/share/applications/probation-desk.desktop",
            "./usr/share/icons/hicolor/scalable/apps/probation-desk.svg",
            "./usr/share/icons/hicolor/48x48/apps/probation-desk.png",
            "./usr/share/doc/probation-desk/copyright"} <= entries
    assert "root/root" in listing
    assert not [line for line in listing.splitlines() if "translations" in line
                and "_resources/translations" not in line]  # only the app's own catalogue
    if shutil.which("desktop-file-validate"):
        proc = subprocess.run(["desktop-file-validate",
                               str(ROOT / "build" / "probation-desk.desktop")],
                              capture_output=True, text=True)
        assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout


@pytest.mark.skipif(shutil.which("dbus-run-session") is None
                    or shutil.which("gnome-keyring-daemon") is None,
                    reason="needs dbus-run-session and gnome-keyring-daemon (Debian: "
                    "dbus-daemon, gnome-keyring)")
def test_the_frozen_app_finds_a_running_keyring(dist: Path, tmp_path: Path) -> None:
    """With a Secret Service on the session bus, the frozen build uses it (its keyring
    backends and their entry points were collected), and the check passes outright."""
    exe = dist / "probation-desk" / "probation-desk"
    script = ('printf synthetic-unlock | gnome-keyring-daemon --unlock --components=secrets '
              f'>/dev/null 2>&1; sleep 1; "{exe}" selftest --json')
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.update(HOME=str(tmp_path), PROBATION_DESK_HOME=str(tmp_path / "home"))
    proc = subprocess.run(["dbus-run-session", "--", "sh", "-c", script], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    keyring = {c["name"]: c for c in json.loads(proc.stdout)["checks"]}["Keyring"]
    assert keyring["status"] == "pass", keyring
    assert "SecretService" in keyring["detail"]


def _mapped_window_titles(display: str) -> list[str]:
    """The titles of the mapped top-level windows on an X display (Xlib through ctypes:
    libX11 is there wherever Qt's xcb platform is)."""
    import ctypes
    import ctypes.util

    x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                               ctypes.POINTER(ctypes.c_ulong),
                               ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                               ctypes.POINTER(ctypes.c_uint)]
    x11.XFetchName.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                               ctypes.POINTER(ctypes.c_char_p)]
    x11.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x11.XOpenDisplay(display.encode())
    if not dpy:
        raise RuntimeError(f"cannot open display {display}")
    try:
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children = ctypes.POINTER(ctypes.c_ulong)()
        count = ctypes.c_uint()
        x11.XQueryTree(dpy, x11.XDefaultRootWindow(dpy), ctypes.byref(root),
                       ctypes.byref(parent), ctypes.byref(children), ctypes.byref(count))
        titles = []
        attributes = ctypes.create_string_buffer(256)  # XWindowAttributes; map_state at 92
        for i in range(count.value):
            name = ctypes.c_char_p()
            x11.XGetWindowAttributes(dpy, children[i], attributes)
            mapped = int.from_bytes(attributes.raw[92:96], "little") == 2  # IsViewable
            if mapped and x11.XFetchName(dpy, children[i], ctypes.byref(name)) and name.value:
                titles.append(name.value.decode("utf-8", "replace"))
        return titles
    finally:
        x11.XCloseDisplay(dpy)


@pytest.mark.xvfb
@pytest.mark.skipif(os.name == "nt" or not os.environ.get("DISPLAY"),
                    reason="needs an X display (xvfb-run)")
def test_the_window_opens_from_the_frozen_app(dist: Path, tmp_path: Path) -> None:
    """The windowed program shows its window on a real X server (Qt's xcb platform and
    the libraries it needs are all found), saying nothing on standard error."""
    import time

    run(dist, tmp_path, "demo", "--cases", "20")
    env = {k: v for k, v in os.environ.items() if k != "PROBATION_DESK_DB"}
    env.update(PROBATION_DESK_HOME=str(tmp_path), QT_QPA_PLATFORM="xcb")
    proc = subprocess.Popen([str(dist / "probation-desk" / "probation-desk-window")],
                            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    seen = False
    try:
        deadline = time.monotonic() + 60
        while not seen and time.monotonic() < deadline and proc.poll() is None:
            seen = "Probation Desk" in _mapped_window_titles(env["DISPLAY"])
            time.sleep(0.1)
        alive = proc.poll() is None
    finally:
        proc.terminate()
        _out, stderr = proc.communicate(timeout=30)
    assert alive, f"the window program ended ({proc.returncode}): {stderr[-2000:]}"
    assert seen, "no window named Probation Desk was mapped within 60 s"
    unexpected = [line for line in stderr.splitlines()
                  if not any(re.search(p, line) for p in EXPECTED_STDERR)]
    assert not unexpected, "\n".join(unexpected)
