"""The dashboard page (issue 15, R-CTR-6): the programme at a glance, in the browser.

    GET /dashboard                       the page (sign-in form, then the figures)
    GET /dashboard/static/<file>         its script, style sheet and the vendored Chart.js

The page ships everything it needs (no CDN: the service runs on a government intranet) and reads
only ``POST /graphql`` with the signed-in user's token, kept in ``sessionStorage``: it shows
exactly what that role may see (a bureau its city, an enterprise its centres; experts are told
that statistics are not theirs). So it is served in production too: unlike GraphiQL it exposes
nothing the API does not answer for the token.

A strict Content-Security-Policy goes with the page: scripts, styles and connections from this
origin only, no inline script or style, no frames, no plugins.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static" / "dashboard"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# The headers of every HTML page the service serves (this one and GraphiQL's, api/graphiql.py),
# beside each page's own Content-Security-Policy.
PAGE_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}
SECURITY_HEADERS = {"content-security-policy": CONTENT_SECURITY_POLICY, **PAGE_HEADERS}


async def dashboard_page(_: Request) -> Response:
    """The page itself (HTML, UTF-8) with the security headers above."""
    return FileResponse(
        STATIC_DIR / "index.html",
        media_type="text/html; charset=utf-8",
        headers=SECURITY_HEADERS,
    )


def dashboard_routes() -> list[BaseRoute]:
    """The routes to mount in ``create_app`` (the same in every environment)."""
    return [
        Route("/dashboard", dashboard_page, methods=["GET", "HEAD"]),
        Mount("/dashboard/static", StaticFiles(directory=STATIC_DIR), name="dashboard-static"),
    ]
