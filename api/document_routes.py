"""HTTP endpoints for documents: streaming upload and download, and the evidence pack.

    POST /documents?centreId=&kind=&title=&fileName=    body: the file   -> a new document
    POST /documents/{documentId}/versions?fileName=     body: the file   -> a new version
    GET  /documents/{documentId}/content                 the current version
    GET  /documents/versions/{versionId}/content         one version
    GET  /centres/{centreId}/evidence-pack               provincial staff: zip + manifest

All take the same bearer token as /graphql; outside one's scope is 404, like a missing id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import UUID

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from api import documents
from api.blobstore import BlobStore
from api.context import build_context
from api.evidence import PackEntry, entry_path, stream_pack
from api.pg_backend import PoolTimeout
from api.security import ServiceSecurity
from api.uploads import UploadRefused
from models.audit import Outcome
from models.documents import DocumentKind, DocumentVersion
from policies import scopes
from policies.vocabulary import Action, Resource
from schema.context import Context
from schema.errors import BadInput, Code, MicError, NotFound
from schema.guard import require

_STATUS = {
    Code.UNAUTHENTICATED: 401,
    Code.FORBIDDEN: 403,
    Code.NOT_FOUND: 404,
    Code.BAD_USER_INPUT: 400,
    Code.CONFLICT: 409,
    Code.INVALID_TRANSITION: 409,
    Code.RATE_LIMITED: 429,
    Code.UNAVAILABLE: 503,
}
Handler = Callable[[Request, Context], Awaitable[Response]]


def _error(status: int, code: str, message: str, request_id: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code, "requestId": request_id}}]},
        status_code=status,
    )


def _uuid(value: str | None, what: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise NotFound(what) from None


def _attachment(file_name: str) -> str:
    ascii_name = file_name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


class DocumentRoutes:
    def __init__(self, security: ServiceSecurity, store: BlobStore) -> None:
        settings = security.settings
        self.security, self.store = security, store
        self.limits = documents.UploadLimits(
            max_bytes=settings.max_upload_bytes,
            tmp_dir=Path(settings.upload_tmp_dir),
        )
        self.limits.tmp_dir.mkdir(parents=True, exist_ok=True)

    def routes(self) -> list[Route]:
        return [
            Route("/documents", self._wrap(self.upload_new), methods=["POST"]),
            Route(
                "/documents/{document_id}/versions",
                self._wrap(self.upload_version),
                methods=["POST"],
            ),
            Route(
                "/documents/{document_id}/content",
                self._wrap(self.download_current),
                methods=["GET"],
            ),
            Route(
                "/documents/versions/{version_id}/content",
                self._wrap(self.download_version),
                methods=["GET"],
            ),
            Route(
                "/centres/{centre_id}/evidence-pack",
                self._wrap(self.evidence_pack),
                methods=["GET"],
            ),
        ]

    def _wrap(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            ctx = build_context(request, self.security)
            try:
                return await handler(request, ctx)
            except MicError as exc:
                return _error(
                    _STATUS.get(exc.code, 500), str(exc.code), exc.message, ctx.request_id
                )
            except UploadRefused as exc:
                return _error(exc.status, "BAD_USER_INPUT", exc.message, ctx.request_id)
            except PoolTimeout:
                return _error(
                    503, "UNAVAILABLE", "the service is busy; try again shortly", ctx.request_id
                )

        return endpoint

    async def _stored(self, request: Request, ctx: Context, **target: Any) -> Response:
        file_name = request.query_params.get("fileName") or request.headers.get("x-file-name") or ""
        document, version = await documents.attach(
            ctx, self.store, self.limits, request.stream(), file_name=file_name, **target
        )
        return JSONResponse(
            {
                "document": {
                    "id": str(document.id),
                    "kind": str(document.kind),
                    "title": document.title,
                    "currentVersion": document.current_version,
                },
                "version": documents.version_json(version),
            },
            status_code=201,
        )

    async def upload_new(self, request: Request, ctx: Context) -> Response:
        params = request.query_params
        try:
            kind = DocumentKind(params.get("kind", ""))
        except ValueError:
            kinds = ", ".join(k.value for k in DocumentKind)
            raise BadInput(f"kind must be one of: {kinds}", field="kind") from None
        return await self._stored(
            request,
            ctx,
            centre_id=_uuid(params.get("centreId"), "centre"),
            kind=kind,
            title=params.get("title", ""),
        )

    async def upload_version(self, request: Request, ctx: Context) -> Response:
        return await self._stored(
            request, ctx, document_id=_uuid(request.path_params["document_id"], "document")
        )

    async def _download(self, ctx: Context, version: DocumentVersion) -> Response:
        await ctx.audit(
            "document.download",
            Outcome.SUCCESS,
            object_type="document_version",
            object_id=str(version.id),
            after={"sha256": version.sha256},
        )
        return StreamingResponse(
            self.store.stream(version.storage_key),
            media_type=version.media_type,
            headers={
                "content-length": str(version.size),
                "content-disposition": _attachment(version.file_name),
                "x-content-sha256": version.sha256,
                "x-content-type-options": "nosniff",
                "cache-control": "private, no-store",
            },
        )

    async def download_current(self, request: Request, ctx: Context) -> Response:
        _, version = await documents.readable_current(
            ctx, _uuid(request.path_params["document_id"], "document")
        )
        return await self._download(ctx, version)

    async def download_version(self, request: Request, ctx: Context) -> Response:
        _, version = await documents.readable_version(
            ctx, _uuid(request.path_params["version_id"], "document")
        )
        return await self._download(ctx, version)

    async def evidence_pack(self, request: Request, ctx: Context) -> Response:
        authz = await require(ctx, Resource.DOCUMENT, Action.EXPORT)
        centre_id = _uuid(request.path_params["centre_id"], "centre")
        centre = await scopes.visible_centres(authz).get_or_none(id=centre_id)
        if centre is None:
            raise NotFound("centre")
        docs = await scopes.visible_documents(authz).filter(
            owner_id=centre.id, current_version__gt=0
        )
        current = {d.id: d.current_version for d in docs}
        versions = {
            v.document_id: v
            for v in await scopes.visible_document_versions(authz).filter(
                document_id__in=list(current)
            )
            if v.version == current[v.document_id]
        }
        entries = [
            PackEntry(
                path=entry_path(i, str(d.kind), versions[d.id].file_name),
                title=d.title,
                kind=str(d.kind),
                version=d.current_version,
                file_name=versions[d.id].file_name,
                size=versions[d.id].size,
                sha256=versions[d.id].sha256,
                storage_key=versions[d.id].storage_key,
            )
            for i, d in enumerate(sorted(docs, key=lambda d: (str(d.kind), d.title)), start=1)
        ]
        await ctx.audit(
            "document.evidence_pack",
            Outcome.SUCCESS,
            resource=Resource.DOCUMENT,
            decision=Action.EXPORT,
            object_type="centre",
            object_id=str(centre.id),
            after={"documents": len(entries)},
        )
        body: AsyncIterator[bytes] = stream_pack(
            self.store, {"id": str(centre.id), "name": centre.name}, entries
        )
        return StreamingResponse(
            body,
            media_type="application/zip",
            headers={
                "content-disposition": _attachment(f"evidence-pack-{centre.id}.zip"),
                "cache-control": "private, no-store",
            },
        )
