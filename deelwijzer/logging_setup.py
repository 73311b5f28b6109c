"""Logging for entry points (CLI, app, benchmarks) with personal data redacted.

Questions can contain a BSN or a name with a date of birth. Whatever a module logs (the question,
an exception message quoting it), the text that reaches any handler has passed
`deelwijzer.privacy.redact`. Two layers, both installed by `setup_logging()`:

- a log record factory that redacts the formatted message when the record is created, so every
  handler (including ones added later, e.g. by a test harness or Streamlit) sees redacted text;
- `RedactingFilter` on the root handlers, which also redacts exception and stack text.
"""

from __future__ import annotations

import logging
import threading

from deelwijzer.privacy import redact

_LOCK = threading.Lock()
_INSTALLED = False


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed format string: keep the raw msg, still redacted
        message = str(record.msg)
    clean = redact(message)
    if clean != message or record.args:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


class RedactingFilter(logging.Filter):
    """Rewrites the record in place; never drops it."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


def install_redaction() -> None:
    """Redact every log record created in this process from now on (idempotent)."""
    global _INSTALLED
    with _LOCK:
        if _INSTALLED:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args, **kwargs) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _redact_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _INSTALLED = True


def setup_logging(level: int | str = logging.INFO) -> None:
    """Configure root logging for an entry point, with redaction on every handler."""
    install_redaction()
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    else:
        root.setLevel(level)
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
