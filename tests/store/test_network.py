"""A team database at a distance: a network that drops, comes back or freezes, said in words.

Each test runs on the real PostgreSQL server through ``tests.netproxy``'s proxy, which
can drop every connection (a reset, as a dropped VPN gives), listen again, or (in its own
network namespace, behind a virtual cable that is pulled) stop answering altogether.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from probation_desk.cli import main
from probation_desk.domain.people import PersonDetails
from probation_desk.errors import ServerUnreachable, explain
from probation_desk.services.changes import ChangeWatcher
from probation_desk.services.lifecycle import open_desk
from tests.netproxy import DelayProxy

pytestmark = pytest.mark.postgres

WORDS = "Nothing was changed; try again when the network is back."


@pytest.fixture
def team_db(pg_server: Any) -> str:
    """A database on the test server with 30 synthetic people."""
    url = str(pg_server.create_db())
    assert main(["demo", "--cases", "30", "--seed", "4", "--db", url]) == 0
    return url


@pytest.fixture
def proxy(pg_server: Any) -> Iterator[DelayProxy]:
    with DelayProxy("127.0.0.1", pg_server.port) as p:
        yield p


def _a_crn(desk: Any) -> str:
    from sqlalchemy import text

    with desk.engine.connect() as con:
        return str(con.execute(text("SELECT crn FROM person ORDER BY id LIMIT 1")).scalar())


def _until(check: Callable[[], Any], seconds: float = 15.0) -> Any:
    """Poll ``check`` until it gives something true (or give up after ``seconds``)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        got = check()
        if got:
            return got
        time.sleep(0.05)
    return None


def _newcomer(crn: str) -> PersonDetails:
    return PersonDetails(crn=crn, name="Robin Testcase", date_of_birth=None,
                         region="Wales", pdu="Cardiff", practitioner="Sam Example")


@pytest.mark.expect_log_warnings
def test_a_dropped_network_is_said_in_words_and_the_session_carries_on_when_it_returns(
        team_db: str, proxy: DelayProxy) -> None:
    desk = open_desk(proxy.url(team_db), backup=False)
    watcher = ChangeWatcher(desk.engine)
    watcher.RETRY_FIRST = 0.2
    crn = _a_crn(desk)
    someone = desk.person_by_crn(crn)
    try:
        # The network goes while the window is idle: the next read says so, in words.
        proxy.kill()
        with pytest.raises(ServerUnreachable) as lost:
            desk.person(someone.id)
        said = explain(lost.value)
        assert said.status == 3 and said.expected
        assert said.text.startswith(f"The team database at 127.0.0.1:{proxy.port} cannot "
                                    "be reached (")
        assert said.text.endswith(WORDS)
        assert "did not expect" not in said.text
        assert watcher.poll() is None
        assert not watcher.listening

        # It comes back: the very next read works (no second failure first) ...
        proxy.restart()
        assert desk.person(someone.id).crn == crn
        # ... and the watcher listens again by itself, says that anything may have
        # changed meanwhile, then sees another login's change as before.
        assert _until(lambda: watcher.listening)
        missed = _until(watcher.poll)
        assert missed is not None and missed.everything
        other = open_desk(team_db, backup=False)
        try:
            other.add_person(_newcomer("Z000123"))
        finally:
            other.engine.dispose()
        seen = _until(watcher.poll)
        assert seen is not None and "person" in seen.tables

        # The network drops again while idle, and comes back before anyone reads:
        # nobody is told anything went wrong.
        proxy.kill()
        proxy.restart()
        assert desk.person(someone.id).crn == crn
    finally:
        watcher.close()
        desk.engine.dispose()


@pytest.mark.expect_log_warnings
def test_a_notice_that_is_not_well_formed_is_ignored_and_the_watcher_carries_on(
        team_db: str, pg_server: Any,
        fail_on_unexpected_log_warning: Any) -> None:
    from probation_desk.store.server import NOTICE_CHANNEL

    desk = open_desk(team_db, backup=False)
    watcher = ChangeWatcher(desk.engine)
    try:
        import psycopg

        forged = ["not json", "[1, 2]", '{"table": "nsi", "op": "update", "ids": ["x"]}',
                  '{"table": "nsi", "op": "update", "ids": [1], "count": {"a": 1}}',
                  '{"table": 5, "op": "update"}']
        with psycopg.connect(host="127.0.0.1", port=pg_server.port, user="postgres",
                             dbname=team_db.rsplit("/", 1)[1], autocommit=True) as con:
            for payload in forged:
                con.execute("SELECT pg_notify(%s, %s)", (NOTICE_CHANNEL, payload))
        time.sleep(0.2)
        assert watcher.poll() is None  # nothing real happened
        assert watcher.listening
        other = open_desk(team_db, backup=False)
        try:
            other.add_person(_newcomer("Z000124"))
        finally:
            other.engine.dispose()
        seen = _until(watcher.poll)
        assert seen is not None and "person" in seen.tables
        logged = [r.getMessage() for r in fail_on_unexpected_log_warning.records]
        assert sum("not well-formed" in m for m in logged) == len(forged)
        assert not any("x" in m.split("(")[0] and "ids" in m for m in logged)
    finally:
        watcher.close()
        desk.engine.dispose()


@pytest.mark.expect_log_warnings
def test_an_export_cut_off_keeps_the_earlier_file_and_exits_3_without_calling_it_damage(
        team_db: str, proxy: DelayProxy, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from probation_desk.services.transfer import export as export_module

    target = tmp_path / "team.jsonl"
    assert main(["--db", team_db, "export", str(target)]) == 0
    earlier = target.read_bytes()
    assert earlier.count(b"\n") > 30
    capsys.readouterr()

    real = export_module.export_records

    def cut_off(desk: Any) -> Iterator[Any]:
        for i, rec in enumerate(real(desk)):
            if i == 3:
                proxy.kill()  # the network goes part-way through
            yield rec

    monkeypatch.setattr(export_module, "export_records", cut_off)
    code = main(["--db", proxy.url(team_db), "export", str(target)])
    err = capsys.readouterr().err
    assert code == 3
    assert "cannot be reached" in err and WORDS in err
    assert "damaged" not in err and "restore" not in err.lower()
    assert target.read_bytes() == earlier
    assert [p.name for p in tmp_path.iterdir()] == ["team.jsonl"]  # no part file left


@pytest.mark.expect_log_warnings
def test_an_import_cut_off_says_how_many_records_were_saved_and_to_import_again(
        team_db: str, pg_server: Any, proxy: DelayProxy, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from probation_desk.services.lifecycle import open_database
    from probation_desk.services.transfer import import_file, importer

    source = tmp_path / "team.jsonl"
    assert main(["--db", team_db, "export", str(source)]) == 0
    fresh = str(pg_server.create_db())
    open_database(fresh).dispose()

    real_flush = importer._Importer.flush
    saved_before: list[int] = []

    def flush_then_drop(self: Any) -> int | None:
        got = real_flush(self)
        if self.saved and not saved_before:
            saved_before.append(self.saved)
            proxy.kill()  # the network goes after the first batch landed
        return got

    monkeypatch.setattr(importer._Importer, "flush", flush_then_drop)
    desk = open_desk(proxy.url(fresh), backup=False)
    try:
        with pytest.raises(ServerUnreachable) as lost:
            import_file(desk, source, batch_size=40)
    finally:
        desk.engine.dispose()
    said = explain(lost.value)
    assert said.status == 3
    assert "cannot be reached" in said.text
    assert f"at least {saved_before[0]} record(s) were saved" in said.text
    assert "Import the file again" in said.text and "Nothing was changed" not in said.text
    monkeypatch.undo()
    whole = open_desk(fresh, backup=False)
    try:
        again = import_file(whole, source)
    finally:
        whole.engine.dispose()
    assert again.stopped is None and not again.refused
    assert again.already_present >= saved_before[0]


def _netns_usable() -> str | None:
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("ip") is None:
        return "needs root and the ip tool (Linux network namespaces)"
    return None


@pytest.fixture
def far_proxy(pg_server: Any) -> Iterator[tuple[int, Callable[[], None]]]:
    """A proxy in its own network namespace behind a virtual cable; yields its port and
    a function that pulls the cable (packets are then lost silently: no reset, no
    answer, as on a frozen VPN)."""
    why = _netns_usable()
    if why:
        pytest.skip(why)
    ns = f"pdn{os.getpid() % 100000}"
    near, far = f"{ns}a", f"{ns}b"

    def ip(*args: str) -> None:
        subprocess.run(["ip", *args], check=True, capture_output=True, timeout=30)

    proc = None
    try:
        try:
            ip("netns", "add", ns)
            ip("link", "add", near, "type", "veth", "peer", "name", far)
        except subprocess.CalledProcessError as exc:
            pytest.skip(f"network namespaces are not available here: {exc.stderr!r}")
        ip("link", "set", far, "netns", ns)
        ip("addr", "add", "10.231.7.1/30", "dev", near)
        ip("link", "set", near, "up")
        ip("-n", ns, "addr", "add", "10.231.7.2/30", "dev", far)
        ip("-n", ns, "link", "set", far, "up")
        ip("-n", ns, "link", "set", "lo", "up")
        # Inside the namespace the proxy reaches the server by its Unix socket.
        socket_path = str(pg_server.root / f".s.PGSQL.{pg_server.port}")
        proc = subprocess.Popen(
            ["ip", "netns", "exec", ns, sys.executable, "-m", "tests.netproxy",
             "10.231.7.2", socket_path, "0"],
            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        yield port, lambda: ip("-n", ns, "link", "set", far, "down")
    finally:
        if proc is not None:
            proc.kill()
            proc.wait(timeout=10)
        subprocess.run(["ip", "link", "del", near], capture_output=True, timeout=30)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=30)


@pytest.mark.expect_log_warnings
def test_a_frozen_network_is_noticed_within_15_seconds_and_said_in_words(
        team_db: str, pg_server: Any, far_proxy: tuple[int, Callable[[], None]]) -> None:
    port, pull_the_cable = far_proxy
    url = team_db.replace(f"127.0.0.1:{pg_server.port}", f"10.231.7.2:{port}")
    desk = open_desk(url, backup=False)
    try:
        someone = desk.person_by_crn(_a_crn(desk))
        pull_the_cable()
        started = time.monotonic()
        with pytest.raises(ServerUnreachable) as lost:
            desk.person(someone.id)
        took = time.monotonic() - started
        assert took < 15, f"a frozen network took {took:.1f} s to notice"
        assert explain(lost.value).text.startswith(
            f"The team database at 10.231.7.2:{port} cannot be reached (")
        assert explain(lost.value).status == 3
    finally:
        desk.engine.dispose()


@pytest.mark.expect_log_warnings
def test_a_save_cut_off_while_committing_says_it_may_not_have_been_saved(
        team_db: str, proxy: DelayProxy) -> None:
    from sqlalchemy import event

    desk = open_desk(proxy.url(team_db), backup=False)
    try:
        # Lost before the commit: the server rolls the transaction back.
        def drop(*_args: Any) -> None:
            proxy.kill()

        event.listen(desk.engine, "before_cursor_execute", drop, once=True)
        with pytest.raises(ServerUnreachable) as before:
            desk.add_person(_newcomer("Z000125"))
        assert explain(before.value).text.endswith(WORDS)
        proxy.restart()
        desk.person_by_crn(_a_crn(desk))  # the network is back; reads work again
        # Lost while committing: nobody can know whether it landed; never said otherwise.
        event.listen(desk.engine, "commit", drop, once=True)
        with pytest.raises(ServerUnreachable) as during:
            desk.add_person(_newcomer("Z000126"))
        said = explain(during.value).text
        assert said.startswith("The team database at ") and said.count("cannot be reached")
        assert "may or may not have been saved" in said and WORDS not in said
        assert explain(during.value).status == 3
    finally:
        desk.engine.dispose()


@pytest.mark.expect_log_warnings
def test_a_read_cut_off_by_a_reset_is_tried_once_more_on_a_fresh_connection(
        team_db: str, proxy: DelayProxy) -> None:
    from sqlalchemy import event

    desk = open_desk(proxy.url(team_db), backup=False)
    try:
        crn = _a_crn(desk)

        def blip(*_args: Any) -> None:  # the VPN drops and reconnects mid-read
            proxy.kill()
            proxy.restart()

        event.listen(desk.engine, "before_cursor_execute", blip, once=True)
        proxy.reset_counts()
        assert desk.person_by_crn(crn).crn == crn  # no error: read again, once
        assert proxy.new_connections() == 1
    finally:
        desk.engine.dispose()
