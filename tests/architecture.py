"""The package's shape, read from its source with ``ast``: imports, cycles, sizes.

Used by ``test_architecture.py`` and runnable on its own to print the figures::

    python tests/architecture.py
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "selectlib"
PACKAGE = "selectlib"


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports(module: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """The package modules ``module`` imports, anywhere in it (inside functions and under
    ``TYPE_CHECKING`` too), with the line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE):
                    yield _known(alias.name, known), node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, is_package, node)
            if not target.startswith(PACKAGE):
                continue
            for alias in node.names:
                name = f"{target}.{alias.name}"
                yield (name if name in known else _known(target, known)), node.lineno


def _known(name: str, known: set[str]) -> str:
    while name not in known and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def graph() -> dict[str, set[str]]:
    """Module → the package modules it imports (itself excluded)."""
    found = modules()
    known = set(found)
    return {
        module: {target for target, _ in imports(module, path, known) if target != module}
        for module, path in found.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted.

    A package's ``__init__`` re-exporting its own modules is not a cycle: edges from a
    package to the modules inside it are left out.
    """
    inner = {m: {t for t in targets if not t.startswith(m + ".")} for m, targets in edges.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in inner.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(inner):
        if node not in index:
            visit(node)
    return sorted(groups)


def module_lines() -> dict[str, int]:
    """Lines per module."""
    return {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in modules().items()}


def _functions(node: ast.AST, prefix: str) -> Iterator[tuple[str, int]]:
    """Every function under ``node`` with its qualified name and its lines."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{child.name}"
            yield name, (child.end_lineno or child.lineno) - child.lineno + 1
            yield from _functions(child, name + ".")
        elif isinstance(child, ast.ClassDef):
            yield from _functions(child, f"{prefix}{child.name}.")


def function_lines() -> dict[str, int]:
    """Lines per function or method, as ``module:qualified.name``."""
    return {
        f"{module}:{name}": lines
        for module, path in modules().items()
        for name, lines in _functions(ast.parse(path.read_text(encoding="utf-8")), "")
    }


def top_level_modules() -> list[str]:
    """The plain modules directly in ``selectlib/`` (packages not counted)."""
    return sorted(p.stem for p in ROOT.glob("*.py") if p.stem not in ("__init__", "__main__"))


def main() -> None:
    """Print the figures the architecture issue asks for."""
    edges = graph()
    print(f"top_level_modules={len(top_level_modules())}")
    found = cycles(edges)
    print(f"cycles={len(found)}")
    for group in found:
        print("  cycle: " + " <-> ".join(group))
    long_modules = sorted(((n, m) for m, n in module_lines().items() if n > 400), reverse=True)
    print(f"modules_over_400={len(long_modules)}")
    for lines, module in long_modules:
        print(f"  {module} {lines}")
    long_functions = sorted(((n, f) for f, n in function_lines().items() if n > 80), reverse=True)
    print(f"functions_over_80={len(long_functions)}")
    for lines, function in long_functions:
        print(f"  {function} {lines}")


if __name__ == "__main__":
    main()
