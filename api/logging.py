"""Structured (JSON lines) logs carrying the request id."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# Fields of every record (and uvicorn's ``color_message``, the message with ANSI colour codes):
# not written as extra fields.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "color_message",
}


# U+0085 NEL, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR (str.splitlines splits on them).
_LINE_BREAKS = {c: f"\\u{c:04x}" for c in (0x85, 0x2028, 0x2029)}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # Chinese stays readable; the characters that some readers take as line breaks are
        # escaped, so that one record is one line for every log reader.
        line = json.dumps(entry, ensure_ascii=False, default=str)
        return line.translate(_LINE_BREAKS)


class OutageWithoutTraceback(logging.Filter):
    """asyncpg's pool logs each failed reconnect with a traceback; during an outage that is the
    expected state, so the line keeps its message and the error's one-line summary only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.error = f"{type(error).__name__}: {error}"
            record.exc_info = None
            record.exc_text = None
        return True


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    logging.getLogger("casbin").setLevel(logging.WARNING)  # it logs the whole policy at load
    logging.getLogger("asyncpg.pool").addFilter(OutageWithoutTraceback())
