"""The one exception type users see, and the report that collects problems during a run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # a file name may hold a newline


class GazetteError(Exception):
    """A problem with the user's input: printed as `path:line: message` without a traceback."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None,
                 hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        text = f"{text} (hint: {self.hint})" if self.hint else text
        return _UNPRINTABLE.sub(lambda m: repr(m.group(0))[1:-1], text)  # one line, and encodable


def key_line(lines: list[str], key: str, first: int = 1) -> int:
    """The line number of `key:` among YAML lines numbered from `first`; `first` when absent."""
    return next((i for i, line in enumerate(lines, first) if line.startswith(f"{key}:")), first)


@dataclass
class Report:
    """Errors and warnings of one run: every problem is collected, the run fails at the end."""

    errors: list[GazetteError] = field(default_factory=list)
    warnings: list[GazetteError] = field(default_factory=list)
    notes: list[GazetteError] = field(default_factory=list)  # review notes for a curator: not problems
    info: list[str] = field(default_factory=list)

    def error(self, problem: GazetteError) -> None:
        self.errors.append(problem)

    def warn(self, message: str, path: str | Path | None = None, line: int | None = None,
             hint: str | None = None) -> None:
        self.warnings.append(GazetteError(message, path, line, hint))

    @property
    def ok(self) -> bool:
        return not self.errors
