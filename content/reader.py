"""Typed access to a parsed TOML table that records precise problems instead of raising."""

from __future__ import annotations

from typing import Any

_MISSING: Any = object()


def type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


class Reader:
    """Reads keys of one TOML table; every problem goes to ``problems`` as "where: what"."""

    def __init__(self, data: dict[str, Any], where: str, problems: list[str]):
        self.data = data
        self.where = where
        self.problems = problems
        self.used: set[str] = set()
        self.ok = True

    def error(self, message: str) -> None:
        self.ok = False
        self.problems.append(f"{self.where}: {message}")

    def has(self, key: str) -> bool:
        return key in self.data

    def _get(self, key: str, required: bool) -> Any:
        self.used.add(key)
        if key not in self.data:
            if required:
                self.error(f"missing key '{key}'")
            return _MISSING
        return self.data[key]

    def string(self, key: str, required: bool = True, default: str | None = None,
               allow_empty: bool = False) -> str | None:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            self.error(f"'{key}' must be a string, got {type_name(value)}")
            return default
        value = value.strip()
        if not value and not allow_empty:
            self.error(f"'{key}' must not be empty")
            return default
        return value

    def boolean(self, key: str, required: bool = True, default: bool = False) -> bool:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.error(f"'{key}' must be true or false, got {type_name(value)}")
            return default
        return value

    def integer(self, key: str, required: bool = True, default: int = 0) -> int:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"'{key}' must be an integer, got {type_name(value)}")
            return default
        return value

    def number(self, key: str) -> float | None:
        value = self._get(key, False)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(f"'{key}' must be a number, got {type_name(value)}")
            return None
        return float(value)

    def strings(self, key: str, required: bool = True) -> tuple[str, ...] | None:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(f"'{key}' must be an array of strings")
            return None
        stripped = tuple(v.strip() for v in value)
        if any(not v for v in stripped):
            self.error(f"'{key}' holds an empty string")
            return None
        return stripped

    def table(self, key: str, required: bool = True) -> dict[str, Any] | None:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.error(f"'{key}' must be a table, got {type_name(value)}")
            return None
        return value

    def tables(self, key: str, required: bool = True) -> list[dict[str, Any]] | None:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(f"'{key}' must be an array of tables ([[{key}]])")
            return None
        return value

    def raw(self, key: str) -> Any:
        value = self._get(key, False)
        return None if value is _MISSING else value

    def forbid(self, keys: tuple[str, ...], why: str) -> None:
        for key in keys:
            if key in self.data:
                self.used.add(key)
                self.error(f"'{key}' {why}")

    def finish(self) -> None:
        """Report keys nobody read: typos such as ``colourblind_ok`` must not pass silently."""
        for key in self.data:
            if key not in self.used:
                self.error(f"unknown key '{key}'")
