"""Transport limits for `mic serve`: uvicorn's httptools HTTP/1.1 protocol, bounded.

uvicorn by itself lets a client hold a connection and memory for as long as it likes: no cap on
the size of a request head (httptools buffers an unfinished header field whole), no deadline for
the head or the body, no cap on connections. ``LimitedHttpToolsProtocol`` adds, per connection:

- a cap on the request head (request line and header fields, ``MIC_MAX_HEADER_BYTES``): a head
  over it is answered 431 and the connection closed, whether it is finished or not, so an
  unfinished head never holds more than the cap plus one socket read;
- a deadline for the head (``MIC_HEADER_TIMEOUT_S``), counted from the connection's opening or
  from the first byte of a following request: a partly sent head is answered 408, a connection
  that never sent a byte is closed;
- a deadline for the body (``MIC_BODY_TIMEOUT_S``), counted from the end of the head: 408;
- the same cap on trailer fields and chunk framing as on the head; trailer fields are dropped,
  never added to the request's headers after the application has read them;
- a cap on open connections per worker (``MIC_MAX_CONNECTIONS``): one more is answered 503 and
  closed at once, before it costs a parser.

The keep-alive idle limit is uvicorn's own ``timeout_keep_alive`` (``MIC_KEEP_ALIVE_S``), which
`mic serve` passes. Only the httptools implementation is extended: it is the one uvicorn picks
with ``uvicorn[standard]`` and the one the service has always run on; `mic serve` pins it.
Refusals that answer are written with ``connection: close``, then the write side is shut and
what the client still sends is read and dropped for up to ``LINGER_S``, so that the answer is not
lost to a reset.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from api.settings import Settings, get_settings

LINGER_S = 2.0  # seconds a refused connection is still read (and dropped) before closing
_HEAD_OVERHEAD = 16  # bytes of a request line and head besides the target: method, version, CRLFs
_FIELD_OVERHEAD = 4  # ": " and CRLF around each header field


@dataclass(frozen=True, slots=True)
class TransportLimits:
    """The limits one worker process applies to each HTTP connection.

    ``max_header_bytes`` caps the request head (and, separately, trailers and chunk framing) in
    bytes; ``header_timeout_s`` and ``body_timeout_s`` are deadlines in seconds;
    ``max_connections`` is the number of connections held at once.
    """

    max_header_bytes: int
    header_timeout_s: float
    body_timeout_s: float
    max_connections: int

    @classmethod
    def from_settings(cls, settings: Settings) -> TransportLimits:
        """The limits configured by ``MIC_MAX_HEADER_BYTES``, ``MIC_HEADER_TIMEOUT_S``,
        ``MIC_BODY_TIMEOUT_S`` and ``MIC_MAX_CONNECTIONS``."""
        return cls(
            max_header_bytes=settings.max_header_bytes,
            header_timeout_s=settings.header_timeout_s,
            body_timeout_s=settings.body_timeout_s,
            max_connections=settings.max_connections,
        )


@lru_cache(maxsize=1)
def _process_limits() -> TransportLimits:
    # Each worker process reads the environment it inherited from `mic serve`.
    return TransportLimits.from_settings(get_settings())


class _HeadTooLarge(Exception):
    """Raised inside a parser callback to stop parsing; httptools re-raises it as an error."""


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the limits of ``TransportLimits`` (see the module)."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
        limits: TransportLimits | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits = limits or _process_limits()
        self._awaiting_head = True  # between requests, or inside a head
        self._head_begun = False  # a byte of the awaited request was parsed
        self._heads_done = 0
        self._head_bytes = 0  # bytes received for a head that is not complete yet
        self._framing_bytes = 0  # body-phase bytes in a row that carried no body data
        self._body_events = 0
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._linger_timer: asyncio.TimerHandle | None = None
        self._refused = False
        self._refusal: tuple[int, str] | None = None  # set by a callback that stops the parser

    # asyncio.Protocol

    def connection_made(  # type: ignore[override]
        self, transport: asyncio.Transport
    ) -> None:
        """Take the connection, or answer 503 and close it when the worker holds its cap."""
        if len(self.connections) >= self.limits.max_connections:
            self.transport = transport
            self._refused = True
            self.logger.warning("Connection refused: %d connections open.", len(self.connections))
            transport.write(self._response(503, "too many connections, try again later"))
            transport.close()
            return
        super().connection_made(transport)
        self._head_timer = self.loop.call_later(self.limits.header_timeout_s, self._head_late)

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop this connection's timers, then let uvicorn tell the application."""
        self._stop_timers()
        if self._linger_timer is not None:
            self._linger_timer.cancel()
            self._linger_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """Parse ``data``, counting the bytes of an unfinished head and of body framing."""
        if self._refused:
            return  # lingering after a refusal: read and drop
        counting_head = self._awaiting_head
        heads_done, body_events = self._heads_done, self._body_events
        super().data_received(data)
        if self._refused or self.transport.is_closing():
            return
        same_head = self._heads_done == heads_done
        if not self._awaiting_head:  # in a body
            progressed = not same_head or self._body_events != body_events
            self._count_framing(data, progressed=progressed)
            return
        if counting_head and same_head:  # all of ``data`` belongs to one unfinished head
            self._head_bytes += len(data)
            if self._head_bytes > self.limits.max_header_bytes:
                self._refuse(431, "the request head is too large")
                return
        # The first bytes of a following request start its deadline; the end of a body does not.
        if self._head_timer is None and ((counting_head and same_head) or self._head_begun):
            self._head_timer = self.loop.call_later(self.limits.header_timeout_s, self._head_late)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a parser error; a callback that stopped the parser chose 431."""
        status, reason = self._refusal or (400, msg)
        self._refusal = None
        self._refuse(status, reason)

    # httptools callbacks

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_begun = True

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._awaiting_head:
            super().on_header(name, value)
        # else: a trailer field, dropped (RFC 9110 §6.5.1): the application has read the headers

    def on_headers_complete(self) -> None:
        size = len(self.url) + _HEAD_OVERHEAD
        size += sum(len(name) + len(value) + _FIELD_OVERHEAD for name, value in self.headers)
        if size > self.limits.max_header_bytes:
            self._refusal = (431, "the request head is too large")
            raise _HeadTooLarge
        self._awaiting_head = self._head_begun = False
        self._heads_done += 1
        self._head_bytes = self._framing_bytes = 0
        self._stop_timers()
        super().on_headers_complete()
        self._body_timer = self.loop.call_later(self.limits.body_timeout_s, self._body_late)

    def on_body(self, body: bytes) -> None:
        self._body_events += 1
        super().on_body(body)

    def on_chunk_header(self) -> None:
        self._body_events += 1

    def on_message_complete(self) -> None:
        self._stop_timers()
        self._awaiting_head = True
        super().on_message_complete()

    # Limits

    def _count_framing(self, data: bytes, *, progressed: bool) -> None:
        # Chunk-size lines, their extensions and trailer fields carry no body data; a run of them
        # longer than a head is refused (httptools buffers an unfinished trailer field whole).
        self._framing_bytes = 0 if progressed else self._framing_bytes + len(data)
        if self._framing_bytes > self.limits.max_header_bytes:
            self._refuse(431, "the request's trailer fields are too large", answers_request=True)

    def _head_late(self) -> None:
        self._head_timer = None
        if self._head_begun:
            self._refuse(408, "the request head did not arrive in time")
        elif self.cycle is not None and not self.cycle.response_complete:
            pass  # stray CRLFs after a request being answered: keep-alive's timer follows it
        elif not self.transport.is_closing():
            self.transport.close()  # not a byte of a request: nothing to answer

    def _body_late(self) -> None:
        self._body_timer = None
        self._refuse(408, "the request body did not arrive in time", answers_request=True)

    def _stop_timers(self) -> None:
        for timer in (self._head_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._body_timer = None

    def _refuse(self, status: int, reason: str, *, answers_request: bool = False) -> None:
        """Answer ``status`` with ``reason`` and close the connection.

        ``answers_request`` is true when the answer is for the request whose body is arriving;
        otherwise it is for a new request, and is not written while an answer to an earlier
        request on this connection is unfinished (it would corrupt that answer): the connection
        is just closed.
        """
        self._stop_timers()
        if self._refused or self.transport.is_closing():
            return
        self._refused = True
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "-"
        self.logger.warning("%s - %d: %s; closing the connection.", client, status, reason)
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            if cycle.response_started or not answers_request:
                self.transport.close()
                return
            cycle.disconnected = True  # the application's receive() says http.disconnect
            cycle.message_event.set()
        self.transport.write(self._response(status, reason))
        self.flow.resume_reading()
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self._linger_timer = self.loop.call_later(LINGER_S, self.transport.close)
        else:
            self.transport.close()

    def _response(self, status: int, reason: str) -> bytes:
        body = reason.encode("ascii")
        parts = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            parts += [name, b": ", value, b"\r\n"]
        parts += [
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
            body,
        ]
        return b"".join(parts)
