"""The package's shape: its folders are the data flow and imports run one way down it
(read → verify → runner → batch → review), with no import circle anywhere. Imports inside
functions count too: a lazy import is still a dependency."""
from __future__ import annotations

import ast
from pathlib import Path

import pipeline

ROOT = Path(pipeline.__file__).resolve().parent

# What each part of the package may import (besides itself); the CLI may import anything.
ALLOWED = {
    "base": set(),  # types, templates, config, failpoints, files
    "read": {"base"},
    "verify": {"base", "read"},
    "runner": {"base", "read", "verify"},
    "batch": {"base", "read", "verify", "runner"},
    "review": {"base", "read", "verify", "runner", "batch"},
    "generate": {"base", "read"},
    "evaluate": {"base"},
}


def part(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "runner":
        return "runner"  # the package itself exposes digitise, over the runner
    if parts[1] in ("types", "templates", "config", "failpoints", "files"):
        return "base"
    return parts[1]


def modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = ["pipeline", *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `module` imports, anywhere in its file."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in known and m != module}


def graph() -> dict[str, set[str]]:
    found = modules()
    return {m: imports(m, path, set(found)) for m, path in found.items()}


def test_imports_run_one_way_down_the_folders():
    upward = [f"{a} imports {b}" for a, targets in graph().items() if part(a) != "cli"
              for b in targets if part(b) != part(a) and part(b) not in ALLOWED[part(a)]]
    assert not upward, "\n".join(upward)


def test_no_import_circle():
    edges = graph()
    circles, state = [], {}

    def visit(node: str, trail: list[str]):
        state[node] = "open"
        for nxt in sorted(edges[node]):
            if state.get(nxt) == "open":
                circles.append(" → ".join(trail[trail.index(nxt):] + [node, nxt]) if nxt in trail
                               else f"{node} → {nxt}")
            elif nxt not in state:
                visit(nxt, trail + [node])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [])
    assert not circles, "\n".join(circles)


def test_every_folder_says_what_comes_in_and_goes_out():
    for folder in ("read", "verify", "batch", "review"):
        doc = ast.get_docstring(ast.parse((ROOT / folder / "__init__.py").read_text(encoding="utf-8"))) or ""
        assert "In:" in doc and "Out:" in doc, folder
