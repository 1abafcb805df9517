"""No import against the grain: a module of mailbot/ imports only from its own layer or a lower one.

Every import counts, at the top of a module, inside a function, or under TYPE_CHECKING: each is a
dependency a reader must follow. Within a layer imports may go either way, but never round in a
circle. A new module must be placed in a layer here; a place where the code cannot follow the rule
yet is listed in KNOWN_EXCEPTIONS with its reason, and the list only shrinks (issue 11).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "mailbot"

# Lowest first. An entry names a module or a subpackage (all its modules), relative to mailbot.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("", "models", "kinds", "clock", "logs", "files", "errors", "shipped")),
    ("config", ("config", "auth.settings", "workdays")),
    ("store", ("store",)),
    ("auth", ("auth",)),
    ("mail", ("mail",)),
    ("mail out", ("mail.compose", "mail.send")),
    ("intake and cases", ("intake", "cases", "commands")),
    ("privacy and reports", ("privacy", "reports")),
    ("ops", ("ops", "auth.login")),
    # The demo's servers (testing/) sit on top: nothing of the product may need them.
    ("commands", ("cli", "__main__", "demo", "testing")),
)

# (importer, imported) -> why it is still allowed. Remove an entry when its import goes.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


def module_names() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own name)."""
    names = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The mailbot modules that ``name`` imports, wherever in the file the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: `from . import x` in a package, `from ..x import y` a level up
                parent = package.rsplit(".", node.level - 1)[0]
                base = f"{parent}.{base}" if base else parent
            # `from mailbot import privacy` imports the module mailbot.privacy, not the package's __init__ alone.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        found |= {t for t in targets if t == "mailbot" or t.startswith("mailbot.")}
    return {_module_of(t, known) for t in found} - {name}


def _module_of(target: str, known: set[str]) -> str:
    while target not in known:
        target = target.rpartition(".")[0]
    return target


def layer_of(name: str) -> int | None:
    """The index of the layer whose most specific entry matches the module; None when it has none."""
    relative = name.removeprefix("mailbot").removeprefix(".")
    best: tuple[int, int] | None = None
    for index, (_, entries) in enumerate(LAYERS):
        for entry in entries:
            matches = relative == entry if entry == "" else relative == entry or relative.startswith(entry + ".")
            if matches and (best is None or len(entry) > best[0]):
                best = (len(entry), index)
    return None if best is None else best[1]


def graph() -> dict[str, set[str]]:
    """Module -> the mailbot modules it imports."""
    names = module_names()
    return {name: imports_of(name, path, set(names)) for name, path in names.items()}


def test_every_module_has_a_layer() -> None:
    assert [name for name in module_names() if layer_of(name) is None] == []


def test_no_import_against_the_grain() -> None:
    against = []
    for importer, imported in graph().items():
        for target in sorted(imported):
            low, high = layer_of(importer), layer_of(target)
            if low is not None and high is not None and high > low and (importer, target) not in KNOWN_EXCEPTIONS:
                against.append(f"{importer} ({LAYERS[low][0]}) imports {target} ({LAYERS[high][0]})")
    assert against == []


def test_known_exceptions_still_exist() -> None:
    edges = {(importer, target) for importer, targets in graph().items() for target in targets}
    assert [pair for pair in KNOWN_EXCEPTIONS if pair not in edges] == [], "fixed: remove it from KNOWN_EXCEPTIONS"


def test_no_import_circle() -> None:
    edges = graph()
    circles = []
    # Depth-first search; a back edge to a module still on the path closes a circle.
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(edges[name]):
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name)
    assert circles == []


def test_the_rule_sees_function_level_and_type_checking_imports() -> None:
    # The checks above are only as good as the import finder: it must see every kind of import.
    edges = graph()
    assert "mailbot.demo" in edges["mailbot.cli.demo"]  # inside handle()
    assert "mailbot.auth.tokens" in edges["mailbot.mail.mailbox"]  # under TYPE_CHECKING
    assert "mailbot.privacy" in edges["mailbot.ops.daemon"]  # inside a method
    assert "mailbot.privacy" in edges["mailbot.cli.privacy"]  # `from mailbot import privacy`


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    path = tmp_path / "tokens.py"
    path.write_text("from . import settings\nfrom ..store import Store\n", encoding="utf-8")
    known = {"mailbot", "mailbot.auth", "mailbot.auth.settings", "mailbot.store"}
    assert imports_of("mailbot.auth.tokens", path, known) == {"mailbot.auth.settings", "mailbot.store"}
