"""Worlds of Airflow modules, read statically: names, imports and classes.

A *world* is one consistent set of modules (Airflow 2.10 with the providers,
or Airflow 3's core and task SDK with the providers). Within it, imports,
conditional imports on ``AIRFLOW_V_x_y_PLUS`` flags, ``try/except
ImportError``, lazy re-export maps (``__lazy_imports``, ``_IMPORT_MAP``...),
``add_deprecated_classes`` maps and literal ``__getattr__`` aliases resolve to
the classes they name; classes get their bases and MRO. Nothing is imported.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple, Union

VERSION_FLAG = re.compile(r"^AIRFLOW_V_(\d+)_(\d+)(?:_(\d+))?_PLUS$")


# ----------------------------------------------------------------------------- modules


@dataclass
class Binding:
    kind: str  # class, func, import, module, expr, path, lazy
    node: Any = None
    module: str = ""
    name: str = ""
    alternatives: Tuple[str, ...] = ()


@dataclass
class Module:
    name: str
    is_package: bool
    tree: ast.Module
    bindings: Dict[str, List[Binding]] = field(default_factory=dict)


@dataclass(frozen=True)
class ClassRef:
    module: str
    name: str

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(frozen=True)
class Opaque:
    """A base class that is not in the world: outside Airflow, or missing."""

    name: str
    airflow: bool


class World:
    def __init__(self, label: str, version: Tuple[int, ...], sources: Dict[str, Tuple[str, bool]]):
        self.label = label
        self.version = version
        self.sources = sources  # module name -> (source text, is package)
        self.modules: Dict[str, Optional[Module]] = {}
        self.virtual: Dict[str, Dict[str, Binding]] = {}  # modules made by add_deprecated_classes
        self._resolving: Set[Tuple[str, str]] = set()
        self._mro: Dict[ClassRef, List[Union[ClassRef, Opaque]]] = {}
        self._classes: Dict[ClassRef, ast.ClassDef] = {}

    # -- modules

    def has_module(self, name: str) -> bool:
        if name in self.sources or name in self.virtual:
            return True
        parent = name.rpartition(".")[0]
        if parent in self.sources and parent not in self.modules:
            self.module(parent)  # its add_deprecated_classes may create the module
        return name in self.virtual

    def module(self, name: str) -> Optional[Module]:
        if name not in self.modules:
            self.modules[name] = None
            entry = self.sources.get(name)
            if entry is not None:
                try:
                    tree = ast.parse(entry[0])
                except (SyntaxError, ValueError):
                    tree = None
                if tree is not None:
                    mod = Module(name, entry[1], tree)
                    self.modules[name] = mod
                    self._bind_block(mod, tree.body, mod.bindings)
        return self.modules[name]

    def absolute(self, mod: Module, module: Optional[str], level: int) -> str:
        if not level:
            return module or ""
        parts = mod.name.split(".")
        base = parts if mod.is_package else parts[:-1]
        if level > 1:
            base = base[: len(base) - (level - 1)]
        return ".".join(base + ([module] if module else []))

    def condition(self, test: ast.expr) -> Optional[bool]:
        """The value of an ``if`` test in this world, when it is a version flag."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self.condition(test.operand)
            return None if inner is None else not inner
        name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else None
        if name == "TYPE_CHECKING":
            return False
        match = VERSION_FLAG.match(name or "")
        if match:
            wanted = tuple(int(g) for g in match.groups() if g is not None)
            return self.version[: len(wanted)] >= wanted
        if isinstance(test, ast.BoolOp):
            values = [self.condition(v) for v in test.values]
            if isinstance(test.op, ast.And):
                return False if False in values else (None if None in values else True)
            return True if True in values else (None if None in values else False)
        return None

    def _bind_block(self, mod: Module, body: List[ast.stmt], out: Dict[str, List[Binding]]) -> None:
        for stmt in body:
            self._bind_stmt(mod, stmt, out)

    def _bind_stmt(self, mod: Module, stmt: ast.stmt, out: Dict[str, List[Binding]]) -> None:
        if isinstance(stmt, ast.ClassDef):
            out[stmt.name] = [Binding("class", stmt, mod.name, stmt.name)]
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[stmt.name] = [Binding("func", stmt, mod.name, stmt.name)]
            if stmt.name == "__getattr__":
                self._bind_getattr(mod, stmt, out)
        elif isinstance(stmt, ast.ImportFrom):
            source = self.absolute(mod, stmt.module, stmt.level)
            for alias in stmt.names:
                if alias.name == "*":
                    continue
                out[alias.asname or alias.name] = [Binding("import", None, source, alias.name)]
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    out[alias.asname] = [Binding("module", None, alias.name)]
                else:
                    top = alias.name.split(".")[0]
                    out[top] = [Binding("module", None, top)]
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    out[target.id] = [Binding("expr", stmt.value, mod.name, target.id)]
            self._bind_lazy_map(mod, stmt, out)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self._bind_deprecated(mod, stmt.value, out)
        elif isinstance(stmt, ast.If):
            chosen = self.condition(stmt.test)
            if chosen is True:
                self._bind_block(mod, stmt.body, out)
            elif chosen is False:
                self._bind_block(mod, stmt.orelse, out)
            else:
                self._bind_alternatives(mod, [stmt.body, stmt.orelse], out)
        elif isinstance(stmt, ast.Try):
            handlers = [h.body for h in stmt.handlers]
            self._bind_alternatives(mod, [stmt.body + stmt.orelse] + handlers, out)

    def _bind_alternatives(self, mod: Module, blocks: List[List[ast.stmt]], out: Dict[str, List[Binding]]) -> None:
        """Bindings from branches that cannot be told apart: the first branch's
        first, then the others' (resolution takes the first that resolves)."""
        results = []
        for block in blocks:
            local: Dict[str, List[Binding]] = {}
            self._bind_block(mod, block, local)
            results.append(local)
        names = {n for r in results for n in r}
        for name in names:
            merged: List[Binding] = []
            for local in results:
                merged.extend(local.get(name, out.get(name, [])))
            out[name] = merged

    def _bind_lazy_map(self, mod: Module, stmt: Union[ast.Assign, ast.AnnAssign],
                       out: Dict[str, List[Binding]]) -> None:
        """``{"Name": "module"}`` or ``{"Name": ("module", "fallback")}`` maps a module's
        ``__getattr__`` imports from (Airflow's ``__lazy_imports``, ``_IMPORT_MAP``...)."""
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
        value = stmt.value
        if not isinstance(target, ast.Name) or not isinstance(value, ast.Dict) or target.id == "__deprecated_classes":
            return
        if not any(k in target.id.lower() for k in ("lazy", "import", "export", "map", "deprecat", "alias", "moved")):
            return
        for key, val in zip(value.keys, value.values):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                continue
            paths = _const_strings(val)
            if paths and key.value not in out:
                out[key.value] = [Binding("lazy", None, mod.name, key.value, tuple(paths))]

    def _bind_deprecated(self, mod: Module, call: ast.Call, out: Dict[str, List[Binding]]) -> None:
        """``add_deprecated_classes({"sub": {"Name": "target.path.Name"}}, __name__)``."""
        func = call.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name != "add_deprecated_classes" or not call.args:
            return
        mapping = call.args[0]
        if isinstance(mapping, ast.Name):
            found = [b for b in out.get(mapping.id, []) if b.kind == "expr"]
            mapping = found[0].node if found else None
        if not isinstance(mapping, ast.Dict):
            return
        for key, val in zip(mapping.keys, mapping.values):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and isinstance(val, ast.Dict)):
                continue
            entries = {}
            for k, v in zip(val.keys, val.values):
                if isinstance(k, ast.Constant) and isinstance(v, ast.Constant) and isinstance(v.value, str):
                    entries[k.value] = Binding("path", None, "", v.value)
            if key.value == "__name__":
                for k, b in entries.items():
                    out.setdefault(k, [b])
            else:
                self.virtual.setdefault(f"{mod.name}.{key.value}", {}).update(entries)

    def _bind_getattr(self, mod: Module, func: ast.FunctionDef, out: Dict[str, List[Binding]]) -> None:
        """``if name == "Old": ... return New`` in a module ``__getattr__``."""
        for stmt in func.body:
            if not (isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Compare)):
                continue
            test = stmt.test
            if len(test.comparators) != 1 or not isinstance(test.ops[0], ast.Eq):
                continue
            literal = test.comparators[0]
            if not (isinstance(literal, ast.Constant) and isinstance(literal.value, str)):
                continue
            returned = [s.value for s in stmt.body if isinstance(s, ast.Return) and s.value is not None]
            if len(returned) == 1 and isinstance(returned[0], (ast.Name, ast.Attribute)):
                out.setdefault(literal.value, [Binding("expr", returned[0], mod.name, literal.value)])

    # -- names

    def lookup(self, module: str, name: str) -> Any:
        """What ``module.name`` is: a ClassRef, a ("module", name), a Binding of
        a function or expression (with its module), an Opaque, or None."""
        key = (module, name)
        if key in self._resolving:
            return None
        self._resolving.add(key)
        try:
            return self._lookup(module, name)
        finally:
            self._resolving.discard(key)

    def _lookup(self, module: str, name: str) -> Any:
        self.has_module(module)  # a module made by its package's deprecation map
        if module in self.virtual and name in self.virtual[module]:
            return self.resolve_path(self.virtual[module][name].name)
        mod = self.module(module)
        if mod is None:
            if self.has_module(f"{module}.{name}"):
                return ("module", f"{module}.{name}")
            return Opaque(f"{module}.{name}", module.split(".")[0] == "airflow") if module else None
        for binding in mod.bindings.get(name, []):
            found = self.binding_value(mod, binding)
            if found is not None and not (isinstance(found, Opaque) and found.airflow):
                return found
        if self.has_module(f"{module}.{name}"):
            return ("module", f"{module}.{name}")
        bindings = mod.bindings.get(name, [])
        return Opaque(f"{module}.{name}", True) if bindings else None

    def binding_value(self, mod: Module, binding: Binding) -> Any:
        if binding.kind == "class":
            ref = ClassRef(mod.name, binding.name)
            self._classes[ref] = binding.node
            return ref
        if binding.kind == "func":
            return binding
        if binding.kind == "import":
            if self.has_module(f"{binding.module}.{binding.name}"):
                return ("module", f"{binding.module}.{binding.name}")
            if not self.has_module(binding.module):
                return Opaque(f"{binding.module}.{binding.name}", binding.module.split(".")[0] == "airflow")
            return self.lookup(binding.module, binding.name)
        if binding.kind == "module":
            return ("module", binding.module) if self.has_module(binding.module) else Opaque(binding.module, False)
        if binding.kind == "path":
            return self.resolve_path(binding.name)
        if binding.kind == "lazy":
            for path in binding.alternatives:
                target = path
                if path.startswith("."):
                    level = len(path) - len(path.lstrip("."))
                    target = self.absolute(mod, path.lstrip(".") or None, level)
                if self.has_module(target):
                    found = self.lookup(target, binding.name)
                    if found is not None and not isinstance(found, Opaque):
                        return found
                elif "." in target and target.rsplit(".", 1)[1] == binding.name:
                    found = self.resolve_path(target)
                    if found is not None and not isinstance(found, Opaque):
                        return found
            return None
        if binding.kind == "expr":
            node = binding.node
            if isinstance(node, (ast.Name, ast.Attribute)):
                ref = self.expr_ref(mod, node)
                if isinstance(ref, (ClassRef, Opaque)) or (isinstance(ref, tuple) and ref[0] == "module"):
                    return ref
            return binding
        return None

    def resolve_path(self, path: str) -> Any:
        """A dotted path to an object: the longest prefix that is a module."""
        parts = path.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:cut])
            if self.has_module(module):
                found: Any = ("module", module)
                for attr in parts[cut:]:
                    if isinstance(found, tuple) and found[0] == "module":
                        found = self.lookup(found[1], attr)
                    else:
                        return None
                return found
        return None

    def expr_ref(self, mod: Module, node: ast.expr) -> Any:
        """What a name or dotted attribute in a module refers to."""
        if isinstance(node, ast.Name):
            return self.lookup(mod.name, node.id)
        if isinstance(node, ast.Attribute):
            base = self.expr_ref(mod, node.value)
            if isinstance(base, tuple) and base[0] == "module":
                return self.lookup(base[1], node.attr)
            if isinstance(base, Opaque):
                return Opaque(f"{base.name}.{node.attr}", base.airflow)
        if isinstance(node, ast.Subscript):  # Generic[T], SomeBase[...]
            base = self.expr_ref(mod, node.value)
            return base if isinstance(base, (ClassRef, Opaque)) else Opaque("subscript", False)
        return None

    # -- classes

    def class_node(self, ref: ClassRef) -> Optional[ast.ClassDef]:
        if ref not in self._classes:
            self.lookup(ref.module, ref.name)
        return self._classes.get(ref)

    def bases(self, ref: ClassRef) -> List[Union[ClassRef, Opaque]]:
        node = self.class_node(ref)
        mod = self.module(ref.module)
        out: List[Union[ClassRef, Opaque]] = []
        if node is None or mod is None:
            return out
        for base in node.bases:
            found = self.expr_ref(mod, base)
            if isinstance(found, (ClassRef, Opaque)):
                out.append(found)
            else:
                label = ast.unparse(base)
                out.append(Opaque(label, label not in ("object",) and not label.startswith(("Generic", "Protocol"))))
        return out

    def mro(self, ref: ClassRef, depth: int = 0) -> List[Union[ClassRef, Opaque]]:
        if ref in self._mro:
            return self._mro[ref]
        self._mro[ref] = [ref]  # cycle guard
        if depth > 60:
            return [ref]
        seqs = []
        bases = self.bases(ref)
        for base in bases:
            seqs.append(list(self.mro(base, depth + 1)) if isinstance(base, ClassRef) else [base])
        seqs.append(list(bases))
        result: List[Union[ClassRef, Opaque]] = [ref]
        while True:
            seqs = [s for s in seqs if s]
            if not seqs:
                break
            for seq in seqs:
                head = seq[0]
                if not any(head in s[1:] for s in seqs):
                    break
            else:  # inconsistent hierarchy: Python would refuse it; keep a depth-first order
                head = seqs[0][0]
            result.append(head)
            for s in seqs:
                if s and s[0] == head:
                    del s[0]
        self._mro[ref] = result
        return result

    def is_subclass(self, ref: ClassRef, qualified: Iterable[str]) -> bool:
        wanted = set(qualified)
        return any(isinstance(c, ClassRef) and c.qualified in wanted for c in self.mro(ref))

    def class_attr(self, ref: ClassRef, attr: str) -> Tuple[Optional[ClassRef], Any]:
        """The nearest class in the MRO that defines ``attr`` and its statement;
        (None, "opaque") when an Airflow class outside the world comes first."""
        return self.method(ref, attr)

    def method(self, ref: ClassRef, name: str, after: Optional[ClassRef] = None,
               start: Optional[ClassRef] = None) -> Tuple[Optional[ClassRef], Any]:
        """``name`` looked up in ``ref``'s MRO (after ``after``, for super();
        from ``start``, for ``Base.method(self)``)."""
        mro = self.mro(ref)
        if after is not None:
            mro = mro[mro.index(after) + 1:] if after in mro else []
        if start is not None:
            mro = self.mro(start)
        for cls in mro:
            if isinstance(cls, Opaque):
                if cls.airflow:
                    return None, "opaque"
                continue
            node = self.class_node(cls)
            if node is None:
                return None, "opaque"
            found = class_body_binding(self, node, name)
            if found is not None:
                return cls, found
        return None, None


def _const_strings(node: ast.expr) -> List[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List)):
        out = []
        for elt in node.elts:
            if not (isinstance(elt, ast.Constant) and isinstance(elt.value, str)):
                return []
            out.append(elt.value)
        return out
    return []


def class_body_binding(world: World, node: ast.ClassDef, name: str) -> Any:
    """The last top-level statement of a class body that binds ``name``
    (version-flag ``if`` blocks are entered for this world)."""
    found = None
    for stmt in _flat_body(world, node.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
            found = stmt
        elif isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
            found = stmt
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name:
            if stmt.value is not None:
                found = stmt
    return found


def _flat_body(world: World, body: List[ast.stmt]) -> Iterator[ast.stmt]:
    for stmt in body:
        if isinstance(stmt, ast.If):
            chosen = world.condition(stmt.test)
            if chosen is True:
                yield from _flat_body(world, stmt.body)
            elif chosen is False:
                yield from _flat_body(world, stmt.orelse)
            else:
                yield stmt  # an undecidable branch binds nothing we rely on
        else:
            yield stmt
