"""Start-up of the frozen app against a bare PySide6 window frozen the same way, in one run.

Run after ``build/package``: ``.venv/bin/python -m tests.bundle.bench_frozen [--json]``.
``BENCH_CASES`` (default 100,000) people in a demo database made once by the frozen app
itself and kept in /tmp; ``BENCH_RUNS`` (default 5) timed starts of each, alternating,
after one warm-up each. Needs Xvfb and xdotool.

Both programs are one-folder PyInstaller builds made with the same PyInstaller: the app
is dist/probation-desk/ as shipped, the bare one a QMainWindow script (the source tree
benchmark's baseline) built into dist/bench-bare/. Each is started on Xvfb and timed
from outside, from just before the process starts:

- window: to its window mapped (``xdotool search --onlyvisible``), for both;
- first rows (the app only): to the caseload's first rows on screen. The screen where
  the list's first three CRNs are drawn is read with XGetImage every 2 ms until it shows
  what it shows once settled (taken 15 s into the warm-up start);
- memory: the app's peak resident set size (VmHWM) with the caseload open.

Figures are medians, printed as ratios to the bare frozen window of the same run
(targets as for the source tree: window 1.25x, first rows 2x; memory 150 MB).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.bench_startup import BARE_SCRIPT, XServer, _cpu_of, drop_partial_backups

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
APP = DIST / "probation-desk" / "probation-desk-window"
CONSOLE = DIST / "probation-desk" / "probation-desk"
ROWS = (168, 154, 58, 64)
"""x, y, width, height of the screen where the list's first three CRNs are drawn (the
window sits at the top left of an X server with no window manager, at its default size;
the columns are fitted and the list and record resized after the first rows, and none of
that moves the CRN column's text)."""


BARE_SPEC = """
a = Analysis([{script!r}], excludes=["tkinter"])
# As build/probation-desk.spec does: the system's own libraries and Qt's translations
# are not copied in.
a.binaries = [b for b in a.binaries if not b[1].startswith(("/lib/", "/usr/lib/"))]
a.datas = [d for d in a.datas if not d[0].startswith("PySide6/Qt/translations/")]
pyz = PYZ(a.pure)
exe = EXE(pyz, a.scripts, [], exclude_binaries=True, name="bare-pyside6", console=False,
          upx=False)
coll = COLLECT(exe, a.binaries, a.datas, name="bare-pyside6", upx=False)
"""


def build_bare() -> Path:
    """The bare window, frozen one-folder by the project's PyInstaller the way the app is
    (built once, kept in dist/bench-bare/)."""
    exe = DIST / "bench-bare" / "bare-pyside6" / "bare-pyside6"
    if exe.exists():
        return exe
    work = Path(tempfile.mkdtemp(prefix="pd-bench-bare-"))
    script = work / "bare-pyside6.py"
    script.write_text(BARE_SCRIPT, encoding="utf-8")
    spec = work / "bare-pyside6.spec"
    spec.write_text(BARE_SPEC.format(script=str(script)), encoding="utf-8")
    subprocess.run([str(Path(sys.executable).with_name("pyinstaller")), "--noconfirm",
                    "--log-level", "WARN", "--distpath", str(DIST / "bench-bare"),
                    "--workpath", str(work / "w"), str(spec)], check=True)
    return exe


def frozen_db(cases: int) -> Path:
    """A demo database of ``cases`` people made by the frozen app (kept for the next run)."""
    from probation_desk.store.schema_version import SCHEMA_HEAD

    path = Path(tempfile.gettempdir()) / f"probation-desk-frozen-{cases}-{SCHEMA_HEAD}.sqlite3"
    if not path.exists():
        print(f"Building a {cases:,}-person demo with the frozen app…", flush=True)
        part = path.with_suffix(".building")
        subprocess.run([str(CONSOLE), "demo", "--cases", str(cases), "--db", str(part)],
                       check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ,
                                PROBATION_DESK_HOME=tempfile.mkdtemp(prefix="pd-bench-")))
        part.rename(path)
    return path


def sign_in(home: str, db: Path) -> str:
    """Settings naming the first person's practitioner: the window opens on a real caseload."""
    with sqlite3.connect(db) as con:
        name = con.execute("SELECT practitioner FROM person ORDER BY id LIMIT 1").fetchone()[0]
        n = con.execute("SELECT count(*) FROM person WHERE practitioner = ?",
                        (name,)).fetchone()[0]
    con.close()
    config = Path(home) / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"user_name": name}), encoding="utf-8")
    return f"{name} ({n:,} people)"


class _XImage(ctypes.Structure):
    """The start of Xlib's XImage, up to its destroy function."""

    _fields_ = [("width", ctypes.c_int), ("height", ctypes.c_int),
                ("xoffset", ctypes.c_int), ("format", ctypes.c_int),
                ("data", ctypes.c_void_p), ("byte_order", ctypes.c_int),
                ("bitmap_unit", ctypes.c_int), ("bitmap_bit_order", ctypes.c_int),
                ("bitmap_pad", ctypes.c_int), ("depth", ctypes.c_int),
                ("bytes_per_line", ctypes.c_int), ("bits_per_pixel", ctypes.c_int),
                ("red_mask", ctypes.c_ulong), ("green_mask", ctypes.c_ulong),
                ("blue_mask", ctypes.c_ulong), ("obdata", ctypes.c_void_p),
                ("create_image", ctypes.c_void_p),
                ("destroy_image", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p))]


class Screen:
    """Reads a rectangle of an X server's screen (XGetImage through libX11)."""

    def __init__(self, display: str) -> None:
        self.x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x11.XGetImage.restype = ctypes.POINTER(_XImage)
        self.x11.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int,
                                       ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
                                       ctypes.c_ulong, ctypes.c_int]
        self.display = self.x11.XOpenDisplay(display.encode())
        if not self.display:
            raise RuntimeError(f"cannot open display {display}")
        self.root = self.x11.XDefaultRootWindow(self.display)

    def grab(self, x: int, y: int, w: int, h: int) -> bytes:
        """The pixels of the rectangle (ZPixmap, all planes)."""
        image = self.x11.XGetImage(self.display, self.root, x, y, w, h, 0xFFFFFFFF, 2)
        if not image:
            raise RuntimeError("XGetImage failed")
        pixels = ctypes.string_at(image.contents.data, image.contents.bytes_per_line * h)
        image.contents.destroy_image(ctypes.cast(image, ctypes.c_void_p))
        return pixels


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_app(x: XServer, screen: Screen, cmd: list[str], home: str,
              settled: bytes | None, wait_s: float = 120) -> dict[str, Any]:
    """Start the app; time its window mapped and its rows region reaching ``settled``
    (with None: wait ``SETTLE_S`` and return the settled region instead)."""
    env = x.env(home)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=home, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    out: dict[str, Any] = {}
    try:
        while "window" not in out:
            if proc.poll() is not None or time.perf_counter() - start > wait_s:
                raise RuntimeError(f"the app ended or hung before its window: "
                                   f"{(proc.stderr.read() if proc.stderr else b'')[-800:]!r}")
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name",
                                    "^Probation Desk$"], env=env, capture_output=True)
            if found.returncode == 0 and found.stdout.strip():
                out["window"] = (time.perf_counter() - start) * 1000
                out["window_cpu"] = _cpu_of(proc.pid)
            else:
                time.sleep(0.002)
        if settled is None:
            time.sleep(SETTLE_S)
            out["settled"] = screen.grab(*ROWS)
            return out
        while time.perf_counter() - start < wait_s:
            if screen.grab(*ROWS) == settled:
                out["rows"] = (time.perf_counter() - start) * 1000
                out["rows_cpu"] = _cpu_of(proc.pid)
                break
            time.sleep(0.002)
        else:
            raise RuntimeError("the rows never looked as they do once settled")
        time.sleep(1.0)  # the caseload open and its counts done
        out["rss_mb"] = _peak_rss_mb(proc.pid)
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        drop_partial_backups(home)


SETTLE_S = 15.0
"""How long the warm-up start is left before the rows region is taken as settled."""


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    args = parser.parse_args(argv)
    if not APP.exists():
        raise SystemExit("No frozen app: run build/package first.")
    cases = int(os.environ.get("BENCH_CASES", "100000"))
    runs = int(os.environ.get("BENCH_RUNS", "5"))
    bare = build_bare()
    db = frozen_db(cases)
    home = tempfile.mkdtemp(prefix="pd-bench-frozen-")
    print(f"Frozen app {APP} vs frozen bare {bare}; {cases:,} people; signed in as "
          f"{sign_in(home, db)}; {runs} runs each, medians. Load: "
          f"{os.getloadavg()[0]:.2f}", flush=True)
    x = XServer()
    try:
        screen = Screen(x.display)
        app_cmd = [str(APP), "--db", str(db)]
        x.time_to_mapped([str(bare)], "Bare PySide6 window", home)  # warm-up
        settled = start_app(x, screen, app_cmd, home, None)["settled"]
        bw, bc, aw, ac, rw, rc, rss = [], [], [], [], [], [], []
        for _ in range(runs):
            wall, cpu = x.time_to_mapped([str(bare)], "Bare PySide6 window", home)
            bw.append(wall)
            bc.append(cpu)
            got = start_app(x, screen, app_cmd, home, settled)
            aw.append(got["window"])
            ac.append(got["window_cpu"])
            rw.append(got["rows"])
            rc.append(got["rows_cpu"])
            rss.append(got["rss_mb"])
    finally:
        x.stop()
    m = {k: statistics.median(v) for k, v in
         {"bare": bw, "bare_cpu": bc, "window": aw, "window_cpu": ac, "rows": rw,
          "rows_cpu": rc, "rss_mb": rss}.items()}
    print(f"bare frozen window mapped      {m['bare']:6.0f} ms  CPU {m['bare_cpu']:5.0f} ms")
    print(f"frozen app window mapped       {m['window']:6.0f} ms  {m['window'] / m['bare']:4.2f}x"
          f"  CPU {m['window_cpu']:5.0f} ms  {m['window_cpu'] / m['bare_cpu']:4.2f}x"
          "  (target 1.25x)")
    print(f"frozen app first rows on screen {m['rows']:6.0f} ms  {m['rows'] / m['bare']:4.2f}x"
          f"  CPU {m['rows_cpu']:5.0f} ms  {m['rows_cpu'] / m['bare_cpu']:4.2f}x"
          "  (target 2x)")
    print(f"peak RSS with the caseload open {m['rss_mb']:5.0f} MB  (target 150 MB)")
    print(f"Load after the run: {os.getloadavg()[0]:.2f}")
    if args.json:
        print(json.dumps({"cases": cases, "runs": runs,
                          "window_ratio": m["window"] / m["bare"],
                          "first_rows_ratio": m["rows"] / m["bare"],
                          "window_cpu_ratio": m["window_cpu"] / m["bare_cpu"],
                          "first_rows_cpu_ratio": m["rows_cpu"] / m["bare_cpu"],
                          "peak_rss_mb": m["rss_mb"], "medians_ms": m,
                          "load": os.getloadavg()[0]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
