"""Each layer imports only from the layers below it, and every module belongs to one.

From the bottom up (see safeguarding/__init__.py). Packages on one line are
peers: neither imports the other. tests/, bench/ and scripts/ sit on top and
may import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    ["safeguarding.content"],
    ["safeguarding.rasa_patches"],
    ["safeguarding.nlu", "safeguarding.dialogue", "safeguarding.channels", "safeguarding.storage"],
    ["actions", "web"],
    ["deploy"],
]
RANK = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}
# The action server runs with rasa-sdk alone (its own image in a deployment): no Rasa there.
WITHOUT_RASA = ("safeguarding.content", "actions")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> Dict[str, Path]:
    """The project's modules by name, but for safeguarding/__init__.py, which only describes the layers."""
    folders = {package.split(".")[0] for package in RANK}
    paths = [
        p
        for folder in folders
        for p in sorted((ROOT / folder).rglob("*.py"))
        if "node_modules" not in p.parts
    ]
    return {_module(p): p for p in paths if _module(p) != "safeguarding"}


def _layer(module: str) -> str | None:
    """The package of ``module`` in LAYERS, or None when it is in none."""
    found = [p for p in RANK if module == p or module.startswith(p + ".")]
    return max(found, key=len) if found else None


def _imports(source: str) -> Iterator[Tuple[int, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module


MODULES = _modules()


def test_every_module_is_in_a_layer():
    homeless = [str(path.relative_to(ROOT)) for module, path in MODULES.items() if _layer(module) is None]
    assert homeless == [], "move these into the package of their layer (safeguarding/__init__.py)"


def upward_imports(module: str, source: str) -> list[str]:
    """The imports of ``module`` from its own layer's peers or from a layer above."""
    own = _layer(module)
    upward = []
    for line, name in _imports(source):
        other = _layer(name)
        if own is not None and other is not None and other != own and RANK[other] >= RANK[own]:
            upward.append(f"line {line}: {name} ({other} is not below {own})")
    return upward


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_from_the_layers_below_its_own(module):
    assert upward_imports(module, MODULES[module].read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) in WITHOUT_RASA))
def test_the_action_servers_code_does_not_import_rasa(module):
    source = MODULES[module].read_text(encoding="utf-8")
    rasa = [f"line {line}: {name}" for line, name in _imports(source) if name.split(".")[0] == "rasa"]
    assert rasa == []


def test_the_check_finds_upward_and_sideways_imports_and_allows_the_rest():
    source = (
        "import deploy.cluster\n"
        "from safeguarding.dialogue.policies import EscalationPolicy\n"
        "from safeguarding.content.loader import get_content\n"
        "from safeguarding.nlu.text import fold\n"
        "import rasa\n"
    )
    assert upward_imports("safeguarding.nlu.matching", source) == [
        "line 1: deploy.cluster (deploy is not below safeguarding.nlu)",
        "line 2: safeguarding.dialogue.policies (safeguarding.dialogue is not below safeguarding.nlu)",
    ]
    assert _layer("safeguarding.elsewhere") is None
