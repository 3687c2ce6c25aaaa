"""Architecture rules as tests: the matcher stays independent, views never write state, services
own the transaction and import no web layer, templates compare no roles, modules stay small."""
from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_matching_imports_no_web_stack():
    """`matching` can be used without Flask, SQLAlchemy or the app."""
    code = (
        "import sys, matching, pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(matching.__path__, 'matching.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'govtech')]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == ""


def test_views_never_set_state_directly():
    """State changes go through services; a view assigning `.state =` breaks the rule."""
    offenders = []
    for path in (ROOT / "govtech" / "blueprints").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.(state|stage)\s*=[^=]", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_no_legacy_query_api():
    """SQLAlchemy 2.0 style only: `select()`, never `Model.query`."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "govtech").rglob("*.py")
                 if re.search(r"\b[A-Z][A-Za-z]+\.query\b", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_views_do_not_commit():
    """Services own the transaction; views call them."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "govtech" / "blueprints").rglob("*.py")
                 if "session.commit" in p.read_text(encoding="utf-8")]
    assert offenders == []


# --- Import and call rules, read from the syntax tree -------------------------------------------

SERVICES = ROOT / "govtech" / "services"
BLUEPRINTS = ROOT / "govtech" / "blueprints"
ROLE_WORDS = ("manager", "municipality", "startup")
MAX_LINES = 350


def _py(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def _rel(path: Path, line: int | None = None) -> str:
    where = str(path.relative_to(ROOT))
    return where if line is None else f"{where}:{line}"


@functools.cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _owning_module(name: str) -> str:
    """The module a dotted name lives in: `govtech.create_app` → `govtech`."""
    while name and not _is_module(name):
        name = name.rpartition(".")[0]
    return name


def _package(path: Path) -> str:
    """The package a file's relative imports start from."""
    name = _module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _from(node: ast.ImportFrom, package: str) -> str:
    """The absolute module of a `from ... import` (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    anchor = package.split(".")
    anchor = anchor[:len(anchor) - node.level + 1]
    return ".".join([*anchor, node.module] if node.module else anchor)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every name imported by the file, anywhere in it (imports inside functions too), as
    `(line, dotted name)`: `from a import b` gives `a.b`; `import_module("x")` gives `x`."""
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _from(node, _package(path))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and _dotted(node.func) in ("importlib.import_module", "import_module",
                                         "__import__")):
            found.append((node.lineno, node.args[0].value))
    return found


def _dotted(node: ast.AST) -> str:
    """`a.b.c` for a chain of attributes on a name, "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _db_names(path: Path) -> set[str]:
    """The local names under which the file reaches the Flask-SQLAlchemy object."""
    names = {"db"}
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module == "govtech.extensions":
            names |= {alias.asname or alias.name for alias in node.names if alias.name == "db"}
    return names


def test_views_use_no_database_session():
    """Views (govtech/blueprints) reach the database only through services: no `db` at all."""
    offenders = []
    for path in _py(BLUEPRINTS):
        offenders += [f"{_rel(path, line)} imports {name}" for line, name in _imports(path)
                      if name in ("govtech.extensions.db", "flask_sqlalchemy")
                      or name.startswith("flask_sqlalchemy.")]
        db_names = _db_names(path)
        for node in ast.walk(_tree(path)):
            name = _dotted(node) if isinstance(node, ast.Attribute) else ""
            head = name.rsplit(".", 1)[0]
            if head in db_names or head.endswith("extensions.db"):  # db.session, db.paginate, ...
                offenders.append(f"{_rel(path, node.lineno)} uses {name}")
    assert offenders == []


def test_views_import_no_matching():
    """Views never call the matcher; `services/recommendations` is the only adapter to it."""
    offenders = [f"{_rel(path, line)} imports {name}"
                 for path in _py(BLUEPRINTS) for line, name in _imports(path)
                 if name == "matching" or name.startswith("matching.")]
    assert offenders == []


def test_views_read_history_through_services():
    """A page's timeline comes from its entity's service (which checks access), not
    `history.events_for` run by the view."""
    offenders = [_rel(path, node.lineno) for path in _py(BLUEPRINTS)
                 for node in ast.walk(_tree(path))
                 if isinstance(node, ast.Attribute) and node.attr == "events_for"]
    assert offenders == []


def _forbidden_for_services(name: str) -> bool:
    return (name == "govtech.blueprints" or name.startswith("govtech.blueprints.")
            or name == "govtech.create_app")


def test_services_import_no_blueprint_nor_the_factory():
    """Services (govtech/services) import no blueprint and not `create_app`, not even lazily."""
    offenders = []
    for path in _py(SERVICES):
        offenders += [f"{_rel(path, line)} imports {name}" for line, name in _imports(path)
                      if _forbidden_for_services(name)]
        offenders += [f"{_rel(path, node.lineno)} uses {_dotted(node)}"
                      for node in ast.walk(_tree(path))
                      if isinstance(node, ast.Attribute) and _dotted(node) == "govtech.create_app"]
    assert offenders == []


def _govtech_graph() -> dict[str, set[str]]:
    """Which govtech modules each govtech module imports by name (lazy imports included)."""
    graph: dict[str, set[str]] = {}
    for path in _py(ROOT / "govtech"):
        targets = graph.setdefault(_module_name(path), set())
        for _line, name in _imports(path):
            if _forbidden_for_services(name):
                targets.add(name)  # kept as it is named: the rule is about these names
            elif name.split(".")[0] == "govtech":
                targets.add(_owning_module(name))
    return graph


def test_services_reach_no_blueprint_nor_the_factory_through_other_modules():
    """Nothing a service imports (followed through govtech's modules) imports a blueprint or
    `create_app`; the worker builds its app itself and is queued by name."""
    graph, offenders = _govtech_graph(), []
    for start in sorted(m for m in graph if m.startswith("govtech.services")):
        path, seen, todo = {start: [start]}, {start}, [start]
        while todo:
            module = todo.pop()
            for target in sorted(graph.get(module, ())):
                if target in seen:
                    continue
                seen.add(target)
                path[target] = [*path[module], target]
                if _forbidden_for_services(target):
                    offenders.append(" → ".join(path[target]))
                else:
                    todo.append(target)
    assert offenders == []


def test_importing_every_service_loads_no_blueprint():
    """Loading all of govtech.services (as the worker does) pulls in no blueprint module."""
    code = (
        "import sys, pkgutil, importlib, govtech.services\n"
        "for m in pkgutil.walk_packages(govtech.services.__path__, 'govtech.services.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('govtech.blueprints'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == ""


def _find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import loop of the graph as `[a, b, ..., a]`, or [] when it is acyclic."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def test_no_import_loops_between_services():
    """The import graph of govtech/services (imports inside functions included) is acyclic."""
    graph = {}
    for path in _py(SERVICES):
        module = _module_name(path)
        graph[module] = {target for _line, name in _imports(path)
                         if (target := _owning_module(name)).startswith("govtech.services.")
                         and target != module}
    cycle = _find_cycle(graph)
    assert cycle == [], "import loop: " + " → ".join(cycle)


def test_find_cycle_reports_a_loop():
    """The loop finder itself: it names the modules of a loop and accepts a tree."""
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


ROLE_COMPARISON = re.compile(
    r"""\brole\s*(==|!=)"""                                     # role == ..., user.role != ...
    r"""|(==|!=)\s*[\w.]*\brole\b"""                            # ... == current_user.role
    r"""|\.role\s+(not\s+)?in\b"""                              # current_user.role in (...)
    rf"""|(==|!=)\s*["']({"|".join(ROLE_WORDS)})["']"""         # ... == "manager"
    rf"""|["']({"|".join(ROLE_WORDS)})["']\s*(==|!=|(not\s+)?in\b)"""  # "manager" == ..., in
    rf"""|\bin\s*[(\[]\s*["']({"|".join(ROLE_WORDS)})["']""",   # ... in ("manager", ...)
)
FOR_LOOP = re.compile(r"{%-?\s*for\s.*?%}", re.DOTALL)  # `for k in ["startup"]` compares nothing


def _role_comparisons(source: str) -> list[tuple[int, str]]:
    """(line, text) of every role comparison in a template's source."""
    source = FOR_LOOP.sub(lambda m: "\n" * m.group(0).count("\n"), source)  # keep line numbers
    return [(source.count("\n", 0, m.start()) + 1, m.group(0))
            for m in ROLE_COMPARISON.finditer(source)]


def test_templates_compare_no_role_string():
    """Templates get ready flags (`can_post`, `can_move`, ...), never compare role strings."""
    offenders = [f"{_rel(path, line)}: {found}"
                 for path in sorted((ROOT / "templates").rglob("*.html"))
                 for line, found in _role_comparisons(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_role_comparison_pattern():
    """The template rule's pattern catches the usual spellings and leaves HTML's role= alone."""
    for bad in ('{% if current_user.role == "manager" %}', "{% if summary.role != 'startup' %}",
                "{% if current_user.role in ('manager',) %}", '{% if kind == "municipality" %}',
                '{% if "startup" == other %}', '{% if role in ["manager"] %}',
                '{% if "manager" == current_user.role %}', '{% if x ==\n  "startup" %}',
                '{% for k in ["startup"] %}{% if k in ("manager",) %}'):
        assert _role_comparisons(bad), bad
    for good in ('<div class="alert" role="status">', "{% if can_post %}",
                 '<option value="municipality">', "{{ current_user.role|role }}",
                 '{% for value in ["municipality", "startup"] %}'):
        assert not _role_comparisons(good), good
    assert _role_comparisons("a\n{% for k in [1,\n 2] %}\n{% if k == 'manager' %}") == [
        (4, "== 'manager'")]


def test_no_python_file_over_350_lines():
    """Small modules: no Python file in govtech/ or matching/ has more than 350 lines."""
    offenders = []
    for folder in ("govtech", "matching"):
        for path in _py(ROOT / folder):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                offenders.append(f"{_rel(path)}: {lines} lines")
    assert offenders == []


TRANSACTION = SERVICES / "transaction.py"


def test_services_neither_commit_nor_roll_back():
    """Only `services/transaction.py` commits or rolls back the session (`unit_of_work`); the
    rebuild job's progress rows go through their own `db.engine.begin()`, which is allowed."""
    offenders = []
    for path in _py(SERVICES):
        if path == TRANSACTION:
            continue
        for node in ast.walk(_tree(path)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = _dotted(node.func.value)
            # db.session.commit(), session.rollback(), db.session.begin() (commits on exit)
            if owner.split(".")[-1] == "session" and node.func.attr in ("commit", "rollback",
                                                                        "begin"):
                offenders.append(f"{_rel(path, node.lineno)}: {owner}.{node.func.attr}()")
    assert offenders == []


def test_services_do_not_use_the_deprecated_commit():
    """`transaction.commit(msg)` is the old per-service commit; `@unit_of_work` replaces it."""
    offenders = []
    for path in _py(SERVICES):
        if path == TRANSACTION:
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Call) and _dotted(node.func) in ("transaction.commit",
                                                                    "govtech.services.transaction"
                                                                    ".commit"):
                offenders.append(_rel(path, node.lineno))
            elif isinstance(node, ast.ImportFrom) and node.module == "govtech.services.transaction":
                offenders += [_rel(path, node.lineno) for a in node.names if a.name == "commit"]
    assert offenders == []


def _is_unit_of_work(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return _dotted(target).split(".")[-1] == "unit_of_work"


def _aliases(tree: ast.Module, package: str) -> dict[str, str]:
    """Local name → dotted name, from the file's imports (`from x import y as z` → z: x.y)."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    names[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = _from(node, package)
            names |= {alias.asname or alias.name: f"{base}.{alias.name}" for alias in node.names}
    return names


def _calls(function: ast.AST) -> list[tuple[str, bool]]:
    """The dotted callee of every call in `function`, and whether it runs in `function`'s own
    frame (False inside a lambda or nested def: those may run later, after the commit)."""
    found = []

    def walk(node: ast.AST, direct: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = direct and not isinstance(child, (ast.Lambda, ast.FunctionDef,
                                                      ast.AsyncFunctionDef))
            if isinstance(child, ast.Call) and (name := _dotted(child.func)):
                found.append((name, inner))
            walk(child, inner)

    walk(function, True)
    return found


def _unguarded_writers(modules: dict[str, tuple[ast.Module, str]]) -> list[str]:
    """Public functions of the service modules that record history (themselves, or through a
    function they call) and are not decorated with `unit_of_work`, unless every call of theirs
    is made directly inside a decorated function. `modules` maps a module's name to its tree
    and package; services and the modules that call them (views, cli, demo) all count."""
    functions: dict[str, tuple[ast.FunctionDef, bool]] = {}  # full name → (def, decorated)
    callees: dict[str, set[str]] = {}  # full name (or "module:<top level>") → full names called
    sites: dict[str, list[tuple[str, bool]]] = {}  # full name → [(caller, guarded)]
    aliases = {name: _aliases(tree, package) for name, (tree, package) in modules.items()}

    def resolve(module: str, dotted: str) -> str:
        head, _dot, rest = dotted.partition(".")
        if head in aliases[module]:
            full = aliases[module][head] + (f".{rest}" if rest else "")
        elif not rest:
            full = f"{module}.{head}"
        else:
            return dotted
        for _ in range(5):  # follow re-exports: `recommendations.save` → `...store.save`
            owner, _dot, name = full.rpartition(".")
            if owner in aliases and name in aliases[owner] and aliases[owner][name] != full:
                full = aliases[owner][name]
            else:
                break
        return full

    for module, (tree, _package) in modules.items():
        top = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
        for node in top:
            full = f"{module}.{node.name}"
            guarded = any(_is_unit_of_work(d) for d in node.decorator_list)
            functions[full] = (node, guarded)
            calls = [(resolve(module, name), direct) for name, direct in _calls(node)]
            callees[full] = {name for name, _direct in calls}
            for name, direct in calls:
                sites.setdefault(name, []).append((full, guarded and direct))
        rest = ast.Module(body=[n for n in tree.body if n not in top], type_ignores=[])
        for name, _direct in _calls(rest):  # module level and classes: never in a unit
            sites.setdefault(resolve(module, name), []).append((f"{module}:<top level>", False))

    writers = {name for name, (node, _g) in functions.items()
               if any(called in ("history.record", "govtech.services.history.record")
                      or resolve(name.rpartition(".")[0], called)
                      == "govtech.services.history.record"
                      for called, _direct in _calls(node))}
    decorated = {name for name, (_node, guarded) in functions.items() if guarded}
    while grown := {name for name in functions if callees[name] & (writers - decorated)
                    } - writers:
        writers |= grown  # calling an undecorated writer writes too; a decorated one is a unit
    unguarded = []
    for name in sorted(writers):
        node, decorated = functions[name]
        if decorated or node.name.startswith("_") or not name.startswith("govtech.services."):
            continue  # decorated; or a private helper, whose callers are checked instead
        calls = sites.get(name, [])
        if calls and all(guarded for _caller, guarded in calls):
            continue  # only ever called inside a unit of work
        outside = sorted({caller for caller, guarded in calls if not guarded})
        unguarded.append(f"{name} (line {node.lineno})"
                         + (f", called outside a unit by {', '.join(outside)}" if outside
                            else ""))
    return unguarded


def test_service_functions_that_record_history_are_units_of_work():
    """A service function that changes state (it records history) is decorated with
    `@unit_of_work`, or is a private helper, or is only ever called inside decorated ones."""
    modules = {_module_name(path): (_tree(path), _package(path))
               for path in _py(ROOT / "govtech")}
    assert _unguarded_writers(modules) == []


def test_unguarded_writers_rule():
    """The rule above on a sample: helpers and guarded calls pass, public writers fail."""
    service = ast.parse(
        "from govtech.services import history, transaction\n"
        "@transaction.unit_of_work(_l('x'))\ndef good(): _helper(); inner()\n"
        "def _helper(): history.record('a', 1, None, None, 'b')\n"
        "def inner(): history.record('a', 1, None, None, 'b')\n"
        "def bad(): history.record('a', 1, None, None, 'b')\n"
        "def calls_bad(): bad()\n"
        "def calls_helper(): _helper()\n"
        "def later(): history.record('a', 1, None, None, 'b')\n"
        "@transaction.unit_of_work()\ndef queues(): transaction.after_commit(lambda: later())\n"
        "def reader(): return 1\n"
        "def loops(): good(); good()\n")
    other = ast.parse(
        "from govtech.services import history, transaction\n"
        "from govtech.services.s import inner as imported\n"
        "@transaction.unit_of_work()\ndef guarded(): imported()\n"
        "def unguarded(): history.record('a', 1, None, None, 'b')\n")
    view = ast.parse("from govtech.services import s\ndef view(): s.reader(); s.calls_bad()\n")
    found = _unguarded_writers({"govtech.services.s": (service, "govtech.services"),
                                "govtech.services.t": (other, "govtech.services"),
                                "govtech.blueprints.v": (view, "govtech.blueprints")})
    assert [entry.split(" ")[0] for entry in found] == [
        "govtech.services.s.bad", "govtech.services.s.calls_bad",
        "govtech.services.s.calls_helper", "govtech.services.s.later",
        "govtech.services.t.unguarded"]
    assert "called outside a unit by govtech.blueprints.v.view" in found[1]
