"""The mic service: ASGI app, settings, authentication, middleware and the `mic` CLI."""
