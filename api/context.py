"""Building the per-request Context from what the middleware put in the ASGI scope."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from api.security import ServiceSecurity
from api.tokens import Principal
from schema.context import Context


def build_context(connection: HTTPConnection, security: ServiceSecurity) -> Context:
    state = connection.scope.get("state", {})
    principal: Principal | None = state.get("principal")
    client = connection.client
    return Context(
        request_id=state.get("request_id", "-"),
        client_addr=client.host if client else "",
        security=security,
        max_page_size=security.settings.max_page_size,
        compiled_reads=security.settings.compiled_reads,
        user_id=principal.user_id if principal else None,
        token_version=principal.token_version if principal else 0,
    )
