"""Rasa's command line, without the deprecation warnings of the libraries under it.

Usage: python scripts/rasa_quietly.py run --model ... (any arguments of `rasa`)

Sanic and Rasa, once imported, turn deprecation warnings back on whatever
PYTHONWARNINGS says, and pyparsing, click, SQLAlchemy and setuptools then
print about 17 of them before the server is up: warnings about code the
project cannot change. A deprecation warning raised in an installed package
is not shown; every other warning, the project's own included, still is.
"""

from __future__ import annotations

import sys
import warnings
from typing import TextIO, Type

_show = warnings.showwarning


def _show_unless_installed_deprecation(
    message: Warning | str,
    category: Type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Show a warning, unless it is a deprecation raised in an installed package."""
    if issubclass(category, (DeprecationWarning, PendingDeprecationWarning)) and "site-packages" in filename:
        return
    _show(message, category, filename, lineno, file, line)


if __name__ == "__main__":
    warnings.showwarning = _show_unless_installed_deprecation
    from rasa.__main__ import main

    sys.argv[0] = "rasa"
    sys.exit(main())
