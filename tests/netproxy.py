"""A TCP proxy on loopback that delays traffic and counts round trips, for tests and benchmarks.

Every chunk read from one side is written to the other side ``delay_ms`` later (one FIFO
per direction, so order is kept and chunks overlap in flight as on a real link). A
*round trip* is counted each time a connection's traffic turns from client-to-server to
server-to-client: a request followed by its answer. Counted per connection, this is
deterministic on loopback, whatever the machine's speed.

The proxy runs its own asyncio loop on a background thread. ``kill`` drops every
connection and stops listening (the network is gone: connections see a reset),
``restart`` listens again on the same port (the network is back), ``freeze`` keeps every
connection open but forwards nothing (a network that silently stops answering), ``thaw``
forwards again.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Link:
    """One client connection through the proxy."""

    opened: float
    round_trips: int = 0
    last: str = ""
    """The direction of the last chunk: "up" (client to server) or "down"."""
    closed: bool = False
    writers: list[asyncio.StreamWriter] = field(default_factory=list)


class DelayProxy:
    """A delaying, counting TCP proxy from ``127.0.0.1:port`` to ``upstream``."""

    def __init__(self, upstream_host: str, upstream_port: int, *, delay_ms: float = 0.0,
                 port: int = 0, listen: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        """A host and port, or a Unix socket's path (starting with "/") and 0."""
        self.listen = listen
        self.delay = delay_ms / 1000.0
        self.port = port
        self.links: list[Link] = []
        self.frozen = False
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="delay-proxy")
        self._thread.start()
        self._call(self._listen())

    # -------------------------------------------------------------- control

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)

    def url(self, url: str) -> str:
        """``url`` (a database on the upstream server) reached through this proxy."""
        host_port = f"{self.upstream[0]}:{self.upstream[1]}"
        if host_port not in url:
            raise ValueError(f"{url} is not on {host_port}")
        return url.replace(host_port, f"127.0.0.1:{self.port}")

    def set_delay(self, delay_ms: float) -> None:
        self.delay = delay_ms / 1000.0

    def round_trips(self) -> int:
        """Round trips on every connection so far."""
        with self._lock:
            return sum(link.round_trips for link in self.links)

    def connections(self) -> int:
        """Connections opened through the proxy so far."""
        with self._lock:
            return len(self.links)

    def reset_counts(self) -> None:
        """Start counting afresh (open connections are kept)."""
        with self._lock:
            for link in self.links:
                link.round_trips = 0
                link.last = ""
            self.links = [link for link in self.links if not link.closed]
            for link in self.links:
                link.opened = time.monotonic()
            self._base = len(self.links)

    def new_connections(self) -> int:
        """Connections opened since the last :meth:`reset_counts`."""
        with self._lock:
            return len(self.links) - getattr(self, "_base", 0)

    def kill(self) -> None:
        """The network goes: stop listening and reset every connection."""
        self._call(self._kill())

    def restart(self) -> None:
        """The network comes back: listen again on the same port."""
        self._call(self._listen())

    def freeze(self) -> None:
        """The network stops answering: nothing is forwarded, nothing is closed."""
        self.frozen = True

    def thaw(self) -> None:
        self.frozen = False

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._call(self._kill())
        with contextlib.suppress(Exception):
            self._call(self._cancel_all())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> DelayProxy:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -------------------------------------------------------------- the loop's side

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.listen, self.port,
                                                  reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _cancel_all(self) -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _kill(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        with self._lock:
            links = list(self.links)
        for link in links:
            link.closed = True
            for w in link.writers:
                sock = w.get_extra_info("socket")
                with contextlib.suppress(OSError):
                    # SO_LINGER 0: close with a reset, as a dropped VPN does.
                    import socket
                    import struct

                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    struct.pack("ii", 1, 0))
                w.close()

    async def _serve(self, c_reader: asyncio.StreamReader,
                     c_writer: asyncio.StreamWriter) -> None:
        try:
            if self.upstream[0].startswith("/"):
                s_reader, s_writer = await asyncio.open_unix_connection(self.upstream[0])
            else:
                s_reader, s_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            c_writer.close()
            return
        link = Link(opened=time.monotonic(), writers=[c_writer, s_writer])
        with self._lock:
            self.links.append(link)
        try:
            await asyncio.gather(self._pump(link, "up", c_reader, s_writer),
                                 self._pump(link, "down", s_reader, c_writer),
                                 return_exceptions=True)
        except asyncio.CancelledError:
            pass  # the proxy is closing
        finally:
            link.closed = True
            for w in (c_writer, s_writer):
                w.close()

    async def _pump(self, link: Link, direction: str, reader: asyncio.StreamReader,
                    writer: asyncio.StreamWriter) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                if not data:
                    with contextlib.suppress(OSError):
                        writer.write_eof()
                    return
                wait = due - self._loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                while self.frozen and not link.closed:
                    await asyncio.sleep(0.05)
                if link.closed:
                    return
                writer.write(data)
                await writer.drain()

        sender = asyncio.ensure_future(deliver())
        try:
            while True:
                data = await reader.read(65536)
                while self.frozen and not link.closed and data:
                    await asyncio.sleep(0.05)
                with self._lock:
                    if data and direction == "down" and link.last == "up":
                        link.round_trips += 1
                    if data:
                        link.last = direction
                queue.put_nowait((self._loop.time() + self.delay, data))
                if not data or link.closed:
                    break
            with contextlib.suppress(asyncio.CancelledError):
                await sender
        finally:
            sender.cancel()
            for w in link.writers:
                w.close()


def main() -> None:
    """``python -m tests.netproxy LISTEN_HOST UPSTREAM DELAY_MS``: run until interrupted.

    ``UPSTREAM`` is ``HOST:PORT`` or a Unix socket's path. Prints the port it listens on.
    """
    import sys

    listen, upstream, delay = sys.argv[1], sys.argv[2], float(sys.argv[3])
    if upstream.startswith("/"):
        proxy = DelayProxy(upstream, 0, delay_ms=delay, listen=listen)
    else:
        host, port = upstream.rsplit(":", 1)
        proxy = DelayProxy(host, int(port), delay_ms=delay, listen=listen)
    print(proxy.port, flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        proxy.close()


if __name__ == "__main__":
    main()
