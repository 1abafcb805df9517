"""The configuration's error, apart from the configuration: the lowest modules raise it too (auth/settings.py)."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration mistake, with the place it was found."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source, self.line, self.message = source, line, message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")
