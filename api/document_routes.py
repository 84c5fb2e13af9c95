"""HTTP endpoints for documents: streaming upload and download, and the evidence pack.

    POST /documents?centreId=&kind=&title=&fileName=    body: the file   -> a new document
    POST /documents?annualReportId=&kind=&title=&fileName=  an annual report's attachment
    POST /documents?ipAssetId=&kind=&title=&fileName=  an IP asset's attachment (R-IP-1)
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

from api.context import build_context
from api.problems import error_response, outage_answer, refusal
from api.security import ServiceSecurity
from models.documents import DocumentKind, DocumentVersion
from models.vocabulary import code_of_term, term
from policies.vocabulary import Action, Resource
from schema.context import Context
from schema.errors import Code
from services import documents
from services.blobstore import BlobStore
from services.errors import BadInput, DomainError
from services.evidence import evidence_pack, stream_pack
from services.ids import global_id, parse_id
from services.text import control_characters
from services.uploads import UploadRefused

Handler = Callable[[Request, Context], Awaitable[Response]]


def _refuse_control_characters(request: Request) -> None:
    """Query and path parameters (titles, file names, ids) are text: no control characters."""
    values = [v for _, v in request.query_params.multi_items()]
    values += [str(v) for v in request.path_params.values()]
    values.append(request.headers.get("x-file-name", ""))
    if any(control_characters(v) for v in values):
        raise BadInput("a parameter holds control characters")


def _uuid(value: str | None, what: str) -> UUID:
    return parse_id(value, what)


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
                _refuse_control_characters(request)
                return await handler(request, ctx)
            except DomainError as exc:
                return refusal(exc, ctx.request_id)
            except UploadRefused as exc:
                return error_response(exc.status, Code.BAD_USER_INPUT, exc.message, ctx.request_id)
            except Exception as exc:
                if (answer := outage_answer(exc, ctx.request_id)) is None:
                    raise
                return answer

        return endpoint

    async def _stored(self, request: Request, ctx: Context, **target: Any) -> Response:
        file_name = request.query_params.get("fileName") or request.headers.get("x-file-name") or ""
        document, version = await documents.attach(
            ctx, self.store, self.limits, request.stream(), file_name=file_name, **target
        )
        return JSONResponse(
            {
                "document": {
                    "id": global_id("Document", document.id),
                    "kind": term(document.kind),
                    "title": document.title,
                    "currentVersion": document.current_version,
                },
                "version": documents.version_json(version),
            },
            status_code=201,
        )

    # Each route decides who may act before it reads an id (README: a role that may upload
    # nowhere gets 403 for any id; a caller without a token gets 401 for any id).

    async def upload_new(self, request: Request, ctx: Context) -> Response:
        params = request.query_params
        report = params.get("annualReportId")
        asset = params.get("ipAssetId")
        if asset is not None:  # an asset's co-owners and the lead (R-IP-1), checked in attach
            await ctx.require(Resource.IP_ASSET, Action.UPDATE)
        else:
            await ctx.require(
                Resource.CENTRE if report is None else Resource.ANNUAL_REPORT, Action.ATTACH
            )
        kind = code_of_term(DocumentKind, params.get("kind", ""))
        if kind is None:  # the GraphQL enum's spelling only: one vocabulary (issue 16)
            kinds = ", ".join(term(k) for k in DocumentKind)
            raise BadInput(f"kind must be one of: {kinds}", field="kind")
        centre = params.get("centreId")
        given = (("centreId", centre), ("annualReportId", report), ("ipAssetId", asset))
        owners = [name for name, value in given if value is not None]
        if len(owners) != 1:
            raise BadInput(
                "give the record the document belongs to: centreId or annualReportId or ipAssetId,"
                " one of them",
                field=owners[-1] if owners else "centreId",
            )
        if asset is not None:
            target = {"ip_asset_id": _uuid(asset, "ip asset")}
        elif report is not None:  # a report's attachment (R-ASM-2): its lead, while editable
            target = {"annual_report_id": _uuid(report, "annual report")}
        else:
            target = {"centre_id": _uuid(centre, "centre")}
        return await self._stored(request, ctx, kind=kind, title=params.get("title", ""), **target)

    async def upload_version(self, request: Request, ctx: Context) -> Response:
        await ctx.require(Resource.CENTRE, Action.ATTACH)
        return await self._stored(
            request, ctx, document_id=_uuid(request.path_params["document_id"], "document")
        )

    async def _download(self, ctx: Context, version: DocumentVersion) -> Response:
        await documents.record_download(ctx, version)
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
        await ctx.authz()
        _, version = await documents.readable_current(
            ctx, _uuid(request.path_params["document_id"], "document")
        )
        return await self._download(ctx, version)

    async def download_version(self, request: Request, ctx: Context) -> Response:
        await ctx.authz()
        _, version = await documents.readable_version(
            ctx, _uuid(request.path_params["version_id"], "document version")
        )
        return await self._download(ctx, version)

    async def evidence_pack(self, request: Request, ctx: Context) -> Response:
        await ctx.require(Resource.DOCUMENT, Action.EXPORT)
        centre_id = _uuid(request.path_params["centre_id"], "centre")
        centre, entries = await evidence_pack(ctx, centre_id)
        body: AsyncIterator[bytes] = stream_pack(
            self.store, {"id": global_id("Centre", centre.id), "name": centre.name}, entries
        )
        return StreamingResponse(
            body,
            media_type="application/zip",
            headers={
                "content-disposition": _attachment(f"evidence-pack-{centre.id}.zip"),
                "cache-control": "private, no-store",
            },
        )
