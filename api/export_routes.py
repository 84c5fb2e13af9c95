"""HTTP endpoint for the exports (issue 15; services/exports.py says what each holds).

    GET /exports/centres.xlsx | .csv                     the centre register
    GET /exports/annual-reports.xlsx?year=2025 | .csv    the annual-report summary of a year
                                                          (default: last year, UTC+8)
    GET /exports/funding-ledger.xlsx?year=2025 | .csv    the funding ledger (year optional)
    GET /exports/ip-register.xlsx?year=2025 | .csv       the IP register (filed in year; optional)

The same bearer token as /graphql. No token: 401; a role without the ``export`` right on the
export's resource (experts, enterprises): 403, decided before any row is read; an unknown export
or format: 404; a bad year: 400. A bureau gets its city's rows only. Refusals are answered by
api/problems.py, in GraphQL's shape and codes.

Streaming: a CSV goes out batch by batch as the rows are read (a generator); a workbook is
written in write-only mode to a temporary file (memory flat), which is unlinked as soon as it is
opened for sending, so nothing is left behind even if the client goes away.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import anyio
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from api.context import build_context
from api.problems import outage_answer, refusal
from api.security import ServiceSecurity
from services.actor import Actor
from services.errors import DomainError
from services.exports import Export, csv_chunks, open_export, write_xlsx

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
CHUNK = 64 * 1024


def content_disposition(file_name: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    ascii_name = file_name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


async def _file_chunks(handle: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while chunk := await anyio.to_thread.run_sync(handle.read, CHUNK):
            yield chunk
    finally:
        handle.close()


class ExportRoutes:
    def __init__(self, security: ServiceSecurity) -> None:
        self.security = security

    def routes(self) -> list[Route]:
        return [Route("/exports/{file}", self.export, methods=["GET"])]

    async def export(self, request: Request) -> Response:
        ctx = build_context(request, self.security)
        name, _, format = str(request.path_params["file"]).rpartition(".")
        try:
            export = await open_export(ctx, name, format, request.query_params.get("year"))
            headers = {
                "content-disposition": content_disposition(export.file_name),
                "cache-control": "private, no-store",
                "x-content-type-options": "nosniff",
            }
            if format == "csv":
                return StreamingResponse(
                    csv_chunks(ctx, export), media_type=MEDIA_TYPES[format], headers=headers
                )
            handle = await _workbook(ctx, export)
        except DomainError as exc:
            return refusal(exc, ctx.request_id)
        except Exception as exc:
            if (answer := outage_answer(exc, ctx.request_id)) is None:
                raise
            return answer
        headers["content-length"] = str(os.fstat(handle.fileno()).st_size)
        return StreamingResponse(
            _file_chunks(handle), media_type=MEDIA_TYPES[format], headers=headers
        )


def _take(path: Path) -> BinaryIO:
    """``path`` open for reading and already unlinked: its bytes vanish when it is closed."""
    try:
        return path.open("rb")
    finally:
        path.unlink(missing_ok=True)


async def _workbook(actor: Actor, export: Export) -> BinaryIO:
    """Write the workbook to a temporary file; return it open for reading, already unlinked."""
    fd, name = tempfile.mkstemp(prefix="mic-export-", suffix=".xlsx")
    os.close(fd)
    path = Path(name)
    try:
        await write_xlsx(actor, export, path)
    except BaseException:
        await anyio.to_thread.run_sync(partial(path.unlink, missing_ok=True))
        raise
    return await anyio.to_thread.run_sync(_take, path)
