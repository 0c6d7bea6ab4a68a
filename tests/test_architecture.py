"""The rooms and what each may import (ARCHITECTURE.md), read from the source: a new import that breaks a rule, or
closes a cycle (also through an import inside a function), fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ("core", "generator", "llm", "language", "storage", "export", "agent", "chatapp")
# What each room may import of ours, besides itself. The UI (chatapp/ and app.py) talks to the session room
# only (the `agent.session` package's own names) and to the core.
ALLOWED = {
    "core": set(),
    "generator": {"core"},
    "llm": {"core"},
    "language": {"core", "llm", "generator.tokens"},  # the real CLIP tokenizer counts the prompt budget
    "storage": {"core"},
    "export": {"core", "storage", "generator.strip"},  # the strip is drawn the same way as the CLI's
    "agent": {"core", "generator", "llm", "language", "storage", "export"},
    "chatapp": {"core", "agent.session"},
    "app": {"core", "chatapp", "agent.session"},
}
MAX_MODULE_LINES = 330  # "about 300"; a module over it says why in its docstring ("Longer than ...")
MAX_FUNCTION_LINES = 60  # "about 50"; a function over it says why in its docstring


def modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    for room in ROOMS:
        for path in (ROOT / room).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Our modules that `name` imports anywhere in its file (top level or inside functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: `from . import x`, `from ..core import y`
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def room(module: str) -> str:
    return module.split(".")[0]


def allowed(source: str, target: str) -> bool:
    if room(source) == room(target):
        return True
    return any(target == rule or (rule in ROOMS and room(target) == rule) for rule in ALLOWED[room(source)])


def test_every_room_imports_only_what_it_may():
    broken = [f"{source} imports {target}" for source, targets in graph().items() for target in sorted(targets)
              if not allowed(source, target)]
    assert broken == []


def find_cycles(edges: dict[str, set[str]]) -> list[str]:
    cycles, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                cycles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return cycles


def test_no_import_cycles():
    assert find_cycles(graph()) == []


def test_the_rules_catch_what_they_are_for():
    """The checks themselves: a UI import of the engine, and a cycle, are found."""
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a -> b -> c -> a"]
    assert find_cycles({"a": {"b"}, "b": set()}) == []
    assert not allowed("chatapp.view", "generator.engine") and not allowed("app", "llm.chat")
    assert allowed("app", "agent.session") and not allowed("core.story", "language.reading")
    known = {"agent.session", "agent.session.models", "core", "core.errors"}
    fake = ROOT / "agent" / "session" / "models.py"
    assert "core.errors" in imports_of("agent.session.models", fake, known)


@pytest.mark.parametrize("name", sorted(modules()))
def test_modules_and_functions_stay_small_or_say_why(name):
    path = modules()[name]
    tree = ast.parse(path.read_text())
    lines = len(path.read_text().splitlines())
    if lines > MAX_MODULE_LINES:
        assert "Longer than" in (ast.get_docstring(tree) or ""), f"{path}: {lines} lines and no reason given"
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            size = node.end_lineno - node.lineno + 1
            if size > MAX_FUNCTION_LINES:
                assert "Longer than" in (ast.get_docstring(node) or ""), f"{path}:{node.lineno} {node.name}: {size}"
