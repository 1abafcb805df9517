"""Reading values out of a YAML tree, remembering where each came from for error messages."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from datetime import time
from typing import Any

from mailbot.config.rules import EMAIL_RE, SPAN_UNITS, Span
from mailbot.errors import ConfigError
from mailbot.models import Level


class YamlReader:
    """Typed readers of single values: each checks the value and names the file and line of a mistake."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: Any, key: Any, message: str) -> ConfigError:
        """The error to raise for ``key`` of ``node``: this file, the key's line, ``message``."""
        return ConfigError(self.source, line_of(node, key), message)

    def mapping(self, node: Any, key: Any, where: str, allowed: set[str] | None = None) -> Any:
        """A mapping (``key`` None: ``node`` itself), present, holding only ``allowed`` keys when given."""
        if key is None:
            value = node
        elif isinstance(node, list):
            value = node[key]
        else:
            value = node.get(key)
        if value is None:
            raise self.fail(node, key, f"{where} is missing")
        if not isinstance(value, Mapping):
            raise self.fail(node, key, f"{where} must be a mapping of keys to values")
        if allowed is not None:
            for k in value:
                if k not in allowed:
                    raise self.fail(value, k, f"unknown key {k!r} in {where} (allowed: {', '.join(sorted(allowed))})")
        return value

    def string(self, node: Any, key: Any, where: str, default: str | None = None) -> str:
        """A non-empty text, stripped; ``default`` when the key is left out."""
        value = node.get(key, default)
        if value is None:
            raise self.fail(node, key, f"{where} is missing")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, key, f"{where} must be a non-empty text")
        return value.strip()

    def email(self, node: Any, key: Any, where: str) -> str:
        """A mail address, lower-cased."""
        value = self.string(node, key, where).lower()
        if not EMAIL_RE.match(value):
            raise self.fail(node, key, f"{where}: {value!r} is not a mail address")
        return value

    def integer(self, node: Any, key: Any, where: str, default: int, minimum: int) -> int:
        """A whole number of at least ``minimum``; ``default`` when left out."""
        value = node.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(node, key, f"{where} must be a whole number of at least {minimum}")
        return value

    def fraction(self, node: Any, key: Any, where: str, default: float) -> float:
        """A number from 0 to 1; ``default`` when left out."""
        value = node.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise self.fail(node, key, f"{where} must be a number from 0 to 1")
        return float(value)

    def boolean(self, node: Any, key: Any, where: str, default: bool) -> bool:
        """true or false; ``default`` when left out."""
        value = node.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(node, key, f"{where} must be true or false")
        return value

    def strings(self, node: Any, key: Any, where: str) -> tuple[str, ...]:
        """A list of non-empty texts, stripped; empty when left out."""
        value = node.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(node, key, f"{where} must be a list of texts")
        return tuple(v.strip() for v in value)

    def regexes(self, node: Any, key: Any, where: str) -> tuple[re.Pattern[str], ...]:
        """A list of regular expressions, compiled case-insensitive; a bad one is named with its line."""
        compiled = []
        seq = node.get(key) or []
        for i, text in enumerate(self.strings(node, key, where)):
            try:
                compiled.append(re.compile(text, re.IGNORECASE))
            except re.error as exc:
                raise ConfigError(
                    self.source, line_of(seq, i), f"{where}: bad regular expression {text!r}: {exc}"
                ) from None
        return tuple(compiled)

    def choice(self, node: Any, key: Any, where: str, options: tuple[str, ...], default: str | None = None) -> str:
        """One of ``options``; ``default`` when left out."""
        value = node.get(key, default)
        if value not in options:
            raise self.fail(node, key, f"{where} must be one of {', '.join(options)}, not {value!r}")
        return str(value)

    def span(self, node: Any, key: str, where: str) -> Span:
        """A deadline such as '3 working days', '14 days' or '2 weeks': at least 1, at most a year."""
        text = str(node.get(key, "")).strip().lower()
        match = re.fullmatch(r"(-?\d+)\s+([a-z ]+)", text)
        unit = SPAN_UNITS.get(match.group(2).strip()) if match else None
        if not match or unit is None:
            raise self.fail(node, key, f"{where} must read like '3 working days', '14 days' or '2 weeks', not {text!r}")
        amount = int(match.group(1))
        if amount < 1:
            raise self.fail(node, key, f"{where}: impossible deadline {text!r}; it must be at least 1")
        if rough_days(Span(amount, unit)) > 366:
            raise self.fail(node, key, f"{where}: impossible deadline {text!r}; more than a year")
        return Span(amount, unit)

    def hours(self, node: Any, key: str, where: str) -> tuple[time, time] | None:
        """Opening hours such as '08:30-17:00' as (start, end); None when left out."""
        value = node.get(key)
        if value is None:
            return None
        match = re.fullmatch(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})", str(value).strip())
        try:
            if not match:
                raise ValueError
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            start, end = time(h1, m1), time(h2, m2)
        except ValueError:
            raise self.fail(node, key, f"{where} must read like '08:30-17:00', not {value!r}") from None
        if end <= start:
            raise self.fail(node, key, f"{where}: the end ({end:%H:%M}) must come after the start ({start:%H:%M})")
        return start, end

    def level(self, node: Any, key: str, where: str) -> Level | None:
        """A complaint level by its label (klacht, formele klacht, ...); None when left out."""
        value = node.get(key)
        if value is None:
            return None
        try:
            return Level.from_label(str(value))
        except KeyError:
            labels = ", ".join(level.label for level in Level)
            raise self.fail(node, key, f"{where}: {key} must be one of {labels}") from None


def keys_of(schema: type, *, renamed: Mapping[str, str] | None = None) -> set[str]:
    """The keys a section of rules.yaml may hold: the fields of its dataclass (``renamed``: field -> key)."""
    renamed = renamed or {}
    return {renamed.get(f.name, f.name) for f in dataclasses.fields(schema)}


def default_of(schema: type, name: str) -> Any:
    """The default of one field of a schema dataclass: the one place a key's default is written."""
    (found,) = (f for f in dataclasses.fields(schema) if f.name == name)
    if found.default is dataclasses.MISSING:
        raise TypeError(f"{schema.__name__}.{name} has no default")
    return found.default


def rough_days(span: Span) -> float:
    """Calendar days a span covers at the least, to compare two spans."""
    factor: dict[str, Callable[[int], float]] = {
        "working_days": lambda n: n * 7 / 5,
        "days": float,
        "weeks": lambda n: n * 7.0,
    }
    return factor[span.unit](span.amount)


def line_of(node: Any, key: Any) -> int | None:
    """The 1-based line of ``key`` in a ruamel mapping or sequence, if known."""
    lc: Any = getattr(node, "lc", None)
    try:
        if key is None:
            return int(lc.line) + 1
        if isinstance(node, list):
            return int(lc.item(key)[0]) + 1
        return int(lc.key(key)[0]) + 1
    except Exception:
        return None
