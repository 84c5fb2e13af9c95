"""Counting the SQL statements a piece of work sends (asserted by tests, reported by the bench).

Tortoise logs every statement it sends on the ``tortoise.db_client`` logger at DEBUG; a handler
collects those lines while ``counting_statements()`` is open. Connection set-up lines are not
statements and are left out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class StatementCounter(logging.Handler):
    """The statements sent through Tortoise's client logger, in order."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if not text.startswith(("Created connection", "Closed connection")):
            self.statements.append(text)


@contextmanager
def counting_statements() -> Iterator[StatementCounter]:
    """A counter of the statements sent while the block runs (the logger's level restored)."""
    logger = logging.getLogger("tortoise.db_client")
    counter, old_level = StatementCounter(), logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(old_level)
