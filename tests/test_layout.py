"""The layout's order, checked over the source: apps import each other in one line (ORDER), but for the imports
still listed in STILL_BACKWARD (a list that only shrinks); no app imports the glue package `lifeport` (settings,
urls, views, context processors); shared helpers live in `lifeport.lib`, which imports no app.

Every import counts, at module level and inside functions alike (an import inside a function is still a
dependency; it only hides a cycle from Python, not from a reader).
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "actionlines", "api", "audit", "contributions", "governance", "partners", "reminders", "reports")
LIB = "lifeport.lib"


def _node(module: str) -> str | None:
    """The graph node of an imported module: an app, `lifeport.lib`, the glue `lifeport`, or None (third party)."""
    if module == LIB or module.startswith(LIB + "."):
        return LIB
    top = module.split(".")[0]
    if top in APPS or top == "lifeport":
        return top
    return None


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> dict[str, dict[str, set[str]]]:
    """{node: {imported node: {importing file, ...}}} over every module outside migrations."""
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for package in (*APPS, "lifeport"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT).as_posix()
            source = _node(relative.removesuffix(".py").replace("/", "."))
            for module in _imports(path):
                target = _node(module)
                if target is not None and target != source:
                    graph[source][target].add(relative)
    return graph


def _cycle(graph: dict[str, dict[str, set[str]]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


# The line the apps form, from the bottom up: each may import only those before it. The glue `lifeport` (urls,
# settings, the seed command) sits on top.
ORDER = (
    LIB,
    "audit",
    "partners",
    "actionlines",
    "contributions",
    "reminders",
    "accounts",
    "reports",
    "governance",
    "api",
    "lifeport",
)
# Imports that still run against the line (each closes a cycle), with the files that make them. This list only
# shrinks: a new backward import fails the test below, and so does one that is gone but still listed.
STILL_BACKWARD = {
    ("actionlines", "contributions"): {
        "actionlines/demo.py",
        "actionlines/forms.py",
        "actionlines/selectors.py",
        "actionlines/services.py",
    },
    ("actionlines", "governance"): {"actionlines/services.py", "actionlines/views.py"},
    ("audit", "partners"): {"audit/permissions.py"},
    ("partners", "actionlines"): {"partners/demo.py", "partners/permissions.py", "partners/services.py"},
    ("partners", "accounts"): {"partners/demo.py"},
    ("partners", "contributions"): {"partners/services.py"},
    ("reminders", "governance"): {"reminders/services.py"},
    ("reports", "governance"): {"reports/services.py", "reports/views.py"},
}


def backward_imports(graph: dict[str, dict[str, set[str]]]) -> dict[tuple[str, str], set[str]]:
    return {
        (source, target): files
        for source, targets in graph.items()
        for target, files in targets.items()
        if ORDER.index(target) > ORDER.index(source)
    }


def test_the_apps_import_each_other_in_one_line_but_the_listed_backward_imports():
    assert backward_imports(import_graph()) == STILL_BACKWARD


def test_without_the_listed_backward_imports_the_import_graph_has_no_cycle():
    graph = import_graph()
    for source, target in STILL_BACKWARD:
        graph[source].pop(target, None)
    cycle = _cycle(graph)
    assert cycle is None, " → ".join(cycle or [])


def test_no_app_imports_the_glue_package_and_the_shared_helpers_import_no_app():
    graph = import_graph()
    assert {app: sorted(files) for app in APPS for target, files in graph[app].items() if target == "lifeport"} == {}
    assert dict(graph[LIB]) == {}
