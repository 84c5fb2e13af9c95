"""Entry point for uvicorn: ``uvicorn api.asgi:app``.

Logging is configured here, not in the CLI, so that every worker process gets it.
"""

from api.app import create_app
from api.logging import configure_logging
from api.settings import get_settings

configure_logging(get_settings().log_level)
app = create_app()
