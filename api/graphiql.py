"""GraphiQL served by the service itself (issue 16): no CDN, off in production.

    GET /graphql  (Accept: text/html)    the page: a sign-in panel, then GraphiQL (dev and test)
    GET /graphiql/static/<file>          its script and style sheet, and the vendored GraphiQL,
                                         React and ReactDOM UMD builds (dev and test)

The vendored files come from the npm registry at the versions pinned in
``static/graphiql/package-lock.json``; ``static/graphiql/vendor.sh`` re-creates them and
``static/graphiql/SHA256SUMS`` records their hashes (tests/test_graphiql.py checks them). Only
the files named in ``ASSETS`` are served: the lock, the script and the checksums stay private.

The page signs in with the ``login`` mutation, keeps the token in ``sessionStorage`` and sends it
as ``Authorization: Bearer …`` on GraphiQL's requests; a refused token (401 from the middleware
when expired or malformed, ``UNAUTHENTICATED`` from the API when revoked) brings the sign-in panel
back. Each page response carries a fresh style nonce for its Content-Security-Policy. In
production nothing here is routed and ``MicGraphQL`` renders no IDE (strawberry answers 404).
"""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from api.dashboard import PAGE_HEADERS
from api.problems import error_response
from schema.errors import Code

STATIC_DIR = Path(__file__).parent / "static" / "graphiql"
PAGE = STATIC_DIR / "index.html"

_JS = "text/javascript; charset=utf-8"
_CSS = "text/css; charset=utf-8"
_TEXT = "text/plain; charset=utf-8"

# Every file the page may load, with its content type (served with nosniff: a wrong type fails).
ASSETS: dict[str, str] = {
    "mic-graphiql.js": _JS,
    "mic-graphiql.css": _CSS,
    "react.production.min.js": _JS,
    "react-dom.production.min.js": _JS,
    "graphiql.min.js": _JS,
    "graphiql.min.css": _CSS,
    "graphiql-LICENSE": _TEXT,
    "react-LICENSE": _TEXT,
    "react-dom-LICENSE": _TEXT,
    "THIRD-PARTY-LICENSES.txt": _TEXT,
}


def content_security_policy(style_nonce: str) -> str:
    """The page's policy: everything from this origin only, with the two exceptions below."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            # GraphiQL's dialogs (Radix UI, via react-remove-scroll) add a <style> element when
            # they open, stamped with the page's nonce (mic-graphiql.js hands it over): only that
            # element, never 'unsafe-inline'. CodeMirror and React style through the CSSOM, which
            # CSP does not restrict.
            f"style-src 'self' 'nonce-{style_nonce}'",
            # graphiql.min.css embeds its fonts (Roboto, Fira Code) and icons as data: URLs.
            "font-src 'self' data:",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# The assets change only with a new release of the service: revalidate (ETag), never store blind.
_ASSET_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
}


@cache
def _template() -> str:
    return PAGE.read_text(encoding="utf-8")  # read once: the file changes only with a release


def graphiql_html(style_nonce: str) -> str:
    """The page's HTML (UTF-8 text) carrying ``style_nonce``; it loads everything else from
    ``/graphiql/static``."""
    return _template().replace("{{style_nonce}}", style_nonce)


def graphiql_page() -> Response:
    """The page as an HTML response (200, UTF-8) with a fresh style nonce and its CSP."""
    nonce = secrets.token_urlsafe(18)  # URL-safe base64: nothing to escape in HTML or CSP
    headers = {**PAGE_HEADERS, "content-security-policy": content_security_policy(nonce)}
    return Response(graphiql_html(nonce), media_type="text/html; charset=utf-8", headers=headers)


async def graphiql_asset(request: Request) -> Response:
    """One file of ``ASSETS`` with its content type; 404 ``NOT_FOUND`` for any other name."""
    name = request.path_params["name"]
    media_type = ASSETS.get(name)
    if media_type is None:
        request_id = request.scope.get("state", {}).get("request_id", "-")
        return error_response(404, Code.NOT_FOUND, "no such file", request_id)
    return FileResponse(STATIC_DIR / name, media_type=media_type, headers=_ASSET_HEADERS)


def graphiql_routes(*, production: bool) -> list[BaseRoute]:
    """The asset routes to mount in ``create_app``: none in production."""
    if production:
        return []
    return [Route("/graphiql/static/{name}", graphiql_asset, methods=["GET", "HEAD"])]
