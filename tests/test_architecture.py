"""The README's dependency arrows hold: every import under app/ follows them, and no package cycles.

The allowed arrows are written once, in the README's table under "Layout and dependencies"
(`callsheets  → documents, push, …`); this test parses them, so the two cannot drift.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
ARROW = re.compile(r"^([a-z_]+) +→ *([a-z_, ]*)$")
# These wire every package together at start-up (create_app, the demo seed): above all arrows.
WIRING = {"__init__", "seed"}


def readme_arrows() -> dict[str, set[str]]:
    """Return package → the packages it may import, as the README's table says."""
    arrows = {}
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        found = ARROW.match(line.strip())
        if found:
            arrows[found[1]] = {name.strip() for name in found[2].split(",") if name.strip()}
    return arrows


def packages() -> set[str]:
    return {path.name for path in APP.iterdir() if (path / "__init__.py").is_file()}


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Return every absolute module name a file imports (anywhere in it, functions included)."""
    module = path.relative_to(root).with_suffix("").parts
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module[: len(module) - node.level]
                base = ".".join(parent + ((base,) if base else ()))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def owner(name: str) -> str | None:
    """Return the app's top-level package or module a dotted name belongs to."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "app" else None


def import_graph() -> dict[str, dict[str, set[str]]]:
    """Return importer → imported → the files that make the arrow, at package level."""
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    domain = packages()
    for path in sorted(APP.rglob("*.py")):
        source = path.relative_to(APP).parts
        importer = source[0] if len(source) > 1 else Path(source[0]).stem
        if importer in WIRING:
            continue
        for name in imported_modules(path):
            target = owner(name)
            if target in domain and target != importer:
                graph[importer][target].add(str(path.relative_to(ROOT)))
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one cycle of a directed graph as a path, or None."""
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(node):
        state[node] = "open"
        trail.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return trail[trail.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        trail.pop()
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def show(graph) -> str:
    return "\n".join(f"{importer:11} → {', '.join(sorted(graph[importer]))}" for importer in sorted(graph))


def test_the_readme_lists_every_package_once_and_its_arrows_have_no_cycle():
    arrows = readme_arrows()
    assert set(arrows) == packages(), "the README's arrow table and app/'s packages differ"
    assert all(targets <= set(arrows) for targets in arrows.values())
    assert cycle(arrows) is None, f"the README's arrows go round: {' → '.join(cycle(arrows))}"


def test_every_import_follows_the_readme_arrows():
    arrows, graph = readme_arrows(), import_graph()
    print("\nimports between packages (app/):\n" + show(graph))
    against = [
        f"{importer} → {target} ({', '.join(sorted(files))})"
        for importer, targets in graph.items()
        for target, files in targets.items()
        if target not in arrows.get(importer, set())
    ]
    assert not against, "imports against the README's arrows:\n" + "\n".join(sorted(against))
    unused = [
        f"{importer} → {target}"
        for importer, targets in arrows.items()
        for target in targets
        if target not in graph.get(importer, {})
    ]
    print("arrows the README allows but nothing uses: " + (", ".join(sorted(unused)) or "none"))


def test_no_package_level_cycle_in_the_imports():
    graph = {importer: set(targets) for importer, targets in import_graph().items()}
    found = cycle(graph)
    assert found is None, f"packages import each other: {' → '.join(found)}\n{show(graph)}"


def test_the_shared_modules_import_no_package():
    shared = {importer: targets for importer, targets in import_graph().items() if importer not in packages()}
    assert not shared, f"shared modules must stay below every package: {show(shared)}"


def test_the_arrow_check_sees_imports_inside_functions_and_relative_ones(tmp_path):
    module = tmp_path / "app" / "schedule" / "rest.py"
    module.parent.mkdir(parents=True)
    module.write_text("def f():\n    from app.checkins.models import WRAP\nfrom ..crew import models\n")
    names = {owner(name) for name in imported_modules(module, tmp_path)}
    assert {"checkins", "crew"} <= names
    assert cycle({"auth": {"crew"}, "crew": {"auth"}}) == ["auth", "crew", "auth"]


def test_no_package_imports_another_packages_views():
    # A view is a leaf: a helper another package needs moves out of routes*.py (a signed-in
    # user loader once lived in auth.routes and crew's import views reached into it).
    borrowed = []
    for path in sorted(APP.rglob("*.py")):
        source = path.relative_to(APP).parts
        importer = source[0] if len(source) > 1 else Path(source[0]).stem
        for name in imported_modules(path):
            parts = name.split(".")
            if (
                len(parts) > 2
                and parts[0] == "app"
                and parts[1] != importer
                and parts[2].startswith("routes")
                and importer not in WIRING
            ):
                borrowed.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not borrowed, "\n".join(sorted(set(borrowed)))
