"""The package's layout: its import graph, read from the source with ``ast``, has no cycle, its
arrows point one way (from the front ends down to the base modules), and no module below the
CLI imports a project module inside a function, where a cycle would hide.

A new module or sub-package must be given its place in ``LAYERS`` here: that is the point.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "builders"

# lowest first: a module may import its own unit and the units of the layers below its own.
LAYERS: list[set[str]] = [
    {"__about__", "files", "findings", "formats"},  # base: no project import at all
    {"schema"},  # schema/*.json -> validators, Features, Arrow schemas
    {"report", "present"},  # findings -> text, JSON, GitHub annotations; drawing for people (terminal, HTML, help)
    {"source"},  # document folders read (level-1 file rules), raw text -> clean text
    {"annotation"},  # annotation.yaml parsed, spans resolved, records made
    {"check"},  # the checks, one module per level, and across documents
    {"new"},  # a raw article -> a document folder with a template that validates
    {"dataset"},  # records -> views, splits, statistics, Parquet
    {"release"},  # card, Croissant, version, provenance, publishing
    {"run"},  # THE corpus run: the per-document step, the runner, its consumers
    {"inception"},  # annotation.yaml <-> UIMA CAS XMI
    {"export"},  # records -> brat, CoNLL, JSON Lines, spaCy, INCEpTION
    {"score"},  # agreement and evaluation
    {"coder"},  # the silver coder
    {"show"},  # the clean text with its annotations
    {"builders"},  # the package's public API (builders/__init__.py)
    {"cli"},  # the command line
    {"__main__"},
]
FRONT_END = "builders.cli"  # the one module that may import project modules inside functions (start-up time)


@dataclass(frozen=True)
class Edge:
    source: str  # importing module
    target: str  # imported project module
    line: int
    in_function: bool


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if path.name != "__init__.py":
        base = base[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def edges() -> list[Edge]:
    """Every import of a project module, at module level or inside a function; ``if TYPE_CHECKING:``
    blocks are left out (they never run), and the public API table of builders/__init__.py counts
    as imports of the modules it names."""
    known = modules()
    out: list[Edge] = []

    def visit(module: str, path: Path, node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = _absolute(module, path, child)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in child.names]
            out.extend(Edge(module, t, child.lineno, inner) for t in targets if t.split(".")[0] == "builders")
            visit(module, path, child, inner)

    for module, path in known.items():
        visit(module, path, ast.parse(path.read_text(encoding="utf-8")), False)
    api = api_table()
    out.extend(Edge("builders", target, 0, False) for target in sorted(set(api.values())))
    return out


def api_table() -> dict[str, str]:
    """The ``API = {name: module}`` literal of builders/__init__.py."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "API" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("builders/__init__.py has no API table")


def unit(module: str) -> str:
    """The layer unit of a module: its sub-package, or its own name at the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "builders"


def rank(module: str) -> int:
    for i, layer in enumerate(LAYERS):
        if unit(module) in layer:
            return i
    raise AssertionError(f"{module} has no place in LAYERS (tests/test_layout.py): give it one")


def test_every_module_has_a_place_in_the_layers():
    for module in modules():
        rank(module)
    units = {unit(m) for m in modules()}
    assert set().union(*LAYERS) == units, "LAYERS names units that no longer exist"


def test_the_import_graph_has_no_cycle():
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in edges():
        if edge.target != edge.source:
            graph[edge.source].add(edge.target)
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycle = path[path.index(node):] + [node]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if node in done:
            return
        for target in sorted(graph[node]):
            visit(target, path + [node])
        done.add(node)

    for node in sorted(modules()):
        visit(node, [])


def test_arrows_point_down_the_layers():
    wrong = [f"{e.source}:{e.line} imports {e.target}" for e in edges()
             if unit(e.source) != unit(e.target) and rank(e.target) >= rank(e.source)]
    assert not wrong, "an import against the layer order (tests/test_layout.py LAYERS):\n" + "\n".join(wrong)


def test_no_module_below_the_cli_imports_a_project_module_inside_a_function():
    hidden = [f"{e.source}:{e.line} imports {e.target} inside a function" for e in edges()
              if e.in_function and e.source != FRONT_END]
    assert not hidden, "\n".join(hidden)


def test_the_checker_sees_what_it_must_refuse(tmp_path, monkeypatch):
    """The graph is read from source: an import inside a function, a relative import and a cycle are found."""
    fake = tmp_path / "builders"
    (fake / "sub").mkdir(parents=True)
    (fake / "__init__.py").write_text("API = {}\n")
    (fake / "a.py").write_text("def f():\n    from builders.sub import b\n")
    (fake / "sub" / "__init__.py").write_text("")
    (fake / "sub" / "b.py").write_text("from .. import a\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    found = {(e.source, e.target, e.in_function) for e in edges()}
    assert ("builders.a", "builders.sub.b", True) in found
    assert ("builders.sub.b", "builders.a", False) in found
    with pytest.raises(pytest.fail.Exception, match="import cycle"):
        test_the_import_graph_has_no_cycle()


def test_the_public_api_names_what_it_exports_and_the_cli_stays_light():
    import builders

    for name, module in api_table().items():
        assert getattr(builders, name) is getattr(__import__(module, fromlist=[name]), name)
    # `import builders.cli` loads none of the library from source/ up: the commands import it when they run
    library = sorted(set().union(*LAYERS[LAYERS.index({"source"}):LAYERS.index({"builders"})]))
    code = (f"import sys, builders.cli; print(sorted(m for m in sys.modules if m.startswith('builders.') "
            f"and m.split('.')[1] in {library!r}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "[]", result.stdout


def test_data_files_are_found_in_one_place():
    """builders/files.py's ``project_file`` is the one data-file locator: no other module builds a
    path from its own ``__file__`` (two such definitions of the coder's data folder once drifted)."""
    from builders.coder.lexicon import DATA
    from builders.files import project_file

    own = [f"{module} ({path.relative_to(REPO)})" for module, path in modules().items()
           if module != "builders.files"
           and any(isinstance(node, ast.Name) and node.id == "__file__"
                   for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))]
    assert not own, "locate data files with builders.files.project_file, not __file__: " + ", ".join(own)
    assert DATA == project_file("coder/data") and (DATA / "model.json").is_file() and (DATA / "actors.tsv").is_file()
