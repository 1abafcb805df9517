"""No module of mailbot/ over 300 lines, no function or method over 50 (issue 11).

A long module or function is hard to read whole and hard to test in parts. Today's offenders are
listed below with their size when the rule came in: each may shrink but never grow, and an entry
whose code got under the limit must go, so the lists only shrink. A function is named by its
module and its dotted place there (``Class.method``, ``outer.inner``); its size counts from the
``def`` line (decorators not included) to its last line, as ``ast`` reports them.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "mailbot"
MODULE_LIMIT = 300
FUNCTION_LIMIT = 50

# Module (relative to the repository) -> its lines when the rule came in.
KNOWN_LONG_MODULES: dict[str, int] = {}  # none left (issue 11)

# "module::qualified name" -> its lines when the rule came in.
KNOWN_LONG_FUNCTIONS: dict[str, int] = {}  # none left (issue 11)


def module_sizes() -> dict[str, int]:
    """Every module of the package (path relative to the repository) -> its number of lines."""
    return {
        path.relative_to(PACKAGE.parent).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def function_sizes(source: str) -> dict[str, int]:
    """Every function and method in ``source`` by its dotted place -> its lines, def line to last line."""
    sizes: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = prefix + child.name
                assert child.end_lineno is not None
                # A property's getter and setter share a name: the longer one counts.
                sizes[name] = max(sizes.get(name, 0), child.end_lineno - child.lineno + 1)
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return sizes


def all_function_sizes() -> dict[str, int]:
    """Every function of the package as "module::qualified name" -> its lines."""
    sizes = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE.parent).as_posix()
        for name, size in function_sizes(path.read_text(encoding="utf-8")).items():
            sizes[f"{module}::{name}"] = size
    return sizes


def over_limit(sizes: dict[str, int], limit: int, known: dict[str, int]) -> list[str]:
    """What is too long: over the limit and not listed, or listed and longer than its listed size."""
    problems = []
    for name, size in sorted(sizes.items()):
        if size <= limit:
            continue
        if name not in known:
            problems.append(f"{name}: {size} lines, the limit is {limit}")
        elif size > known[name]:
            problems.append(f"{name}: {size} lines, was {known[name]} when listed: it may only shrink")
    return problems


def no_longer_needed(sizes: dict[str, int], limit: int, known: dict[str, int]) -> list[str]:
    """Listed exceptions whose code is gone or now within the limit."""
    return [name for name in sorted(known) if sizes.get(name, 0) <= limit]


def test_no_module_too_long() -> None:
    assert over_limit(module_sizes(), MODULE_LIMIT, KNOWN_LONG_MODULES) == []


def test_no_function_too_long() -> None:
    assert over_limit(all_function_sizes(), FUNCTION_LIMIT, KNOWN_LONG_FUNCTIONS) == []


def test_every_listed_long_module_still_needs_its_exception() -> None:
    stale = no_longer_needed(module_sizes(), MODULE_LIMIT, KNOWN_LONG_MODULES)
    assert stale == [], "within the limit now (or gone): remove it from KNOWN_LONG_MODULES"


def test_every_listed_long_function_still_needs_its_exception() -> None:
    stale = no_longer_needed(all_function_sizes(), FUNCTION_LIMIT, KNOWN_LONG_FUNCTIONS)
    assert stale == [], "within the limit now (or gone): remove it from KNOWN_LONG_FUNCTIONS"


def test_function_sizes_name_methods_and_nested_functions_and_count_def_to_last_line() -> None:
    source = (
        "class Desk:\n"
        "    def open(self):\n"
        "        def inner():\n"
        "            return 1\n"
        "\n"
        "        return inner()\n"
        "\n"
        "\n"
        "async def deliver():\n"
        "    pass\n"
    )
    assert function_sizes(source) == {"Desk.open": 5, "Desk.open.inner": 2, "deliver": 2}


def test_the_checks_catch_a_new_offender_a_grown_one_and_a_stale_exception() -> None:
    known = {"a.py::f": 60, "b.py::g": 55}
    sizes = {"a.py::f": 61, "b.py::g": 40, "c.py::h": 51, "d.py::k": 50}
    assert over_limit(sizes, 50, known) == [
        "a.py::f: 61 lines, was 60 when listed: it may only shrink",
        "c.py::h: 51 lines, the limit is 50",
    ]
    assert no_longer_needed(sizes, 50, known) == ["b.py::g"]
