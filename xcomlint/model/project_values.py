"""What a name imported from the project's own modules stands for.

The builder follows an import of the project's code into the module it names
(``xcomlint.project`` finds and parses it) and evaluates that module's
definitions as it does the linted file's: its functions, ``@task`` functions,
classes (custom operators, wrapper classes, Enums) and constants. What the
linted file then does with them (a callable, a factory call, a wrapper) runs
through the same machinery as its own code, so a typo in a helper's pull or a
key from a constants module is checked against the DAG that runs it.

Only definitions are evaluated in a followed module, without effects: a DAG
it builds at import time is that module's own (its own lint run models it),
and a call at module level is not run. What cannot be followed (a module that
does not parse, an import cycle, more modules than ``MAX_MODULES``) stays an
imported name the model knows nothing of, as before.

The code of a followed module is *foreign*: a record made from it (a pull in
a helper) is located in that module, and the builder remembers the node of
the linted file that brought the code in (``entry_stack``): the call of the
factory or helper, or the task whose callable it is. That is where a finding
goes when the helper itself is not linted (SPEC section 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, List, Optional, Sequence, Set

import libcst as cst

from ..project.resolution import ABSENT
from .imports import ImportTable
from .instances import find_method
from .records import UNKNOWN
from .text_gate import TextGate
from .values import ClassVal, FunctionVal, ImportedVal, ModuleVal, Scope

if TYPE_CHECKING:
    from ..project.modules import ParsedModule
    from ..project.resolution import ModuleRef, Project

# the most project modules one linted file may read: a huge in-house framework
# cannot make one DAG file's model cost more than this many parses
MAX_MODULES = 64


@dataclass(eq=False)
class ModuleContext:
    """One module the builder evaluates code of: the linted file (``home``) or
    a project module it followed an import into."""

    path: str
    imports: ImportTable
    tree: cst.Module
    source: str
    home: bool
    text_gate: Optional[TextGate] = None
    scope: Optional[Scope] = None  # the module's own scope


class ProjectValues:
    """The builder's side of the project layer (a mixin of ``Builder``)."""

    if TYPE_CHECKING:
        project: Optional[Project]
        module_scope: Scope
        home: ModuleContext
        pure: bool

        def evaluate(self, node: Optional[cst.BaseExpression], scope: Scope, statement: bool = False) -> Any: ...

        def define_function(self, node: cst.FunctionDef, scope: Scope) -> Any: ...

        def define_class(self, node: cst.ClassDef, scope: Scope) -> ClassVal: ...

        def hoist_definitions(self, body: Sequence[cst.CSTNode], scope: Scope) -> None: ...

        def imported_maker(self, dotted: str, context: Optional[ModuleContext] = None) -> bool: ...

        def maker_names_of(self, scope: Scope) -> FrozenSet[str]: ...

    def init_project(self, project: Optional[Project]) -> None:
        self.project = project
        # module path -> its evaluated scope (None while it is being evaluated: a cycle)
        self.module_scopes: Dict[str, Optional[Scope]] = {}
        # every project module read, with the digest of its bytes (the cache's dependencies)
        self.read_modules: Dict[str, str] = {}
        # the modules whose code records may come from, for resolving positions
        self.foreign_modules: List[ModuleContext] = []
        # the node of the linted file through which foreign code is running, outermost first
        self.entry_stack: List[cst.CSTNode] = []

    def context_of(self, scope: Scope) -> ModuleContext:
        context = scope.context
        return context if context is not None else self.home

    def is_foreign(self, scope: Scope) -> bool:
        context = scope.context
        return context is not None and not context.home

    def imported_value(self, qualified: str, scope: Scope) -> Any:
        """What the dotted name an import gives stands for: a value of a project
        module when the project has it, else the imported name itself."""
        if self.project is not None:
            found = self.project_value(qualified, self.context_of(scope))
            # a name the module binds to what cannot be followed (``make = build()``)
            # stays an imported name: calling it may make tasks, as any code not read may
            if found is not None and found is not UNKNOWN:
                return found
        return ImportedVal(qualified)

    def project_value(self, qualified: str, context: ModuleContext) -> Any:
        assert self.project is not None
        level = len(qualified) - len(qualified.lstrip("."))
        parts = qualified[level:].split(".") if qualified[level:] else []
        # the longest prefix that is a module, then attributes of it
        for cut in range(len(parts), -1 if level else 0, -1):
            name = ".".join(parts[:cut])
            if level:
                ref = self.project.find_relative(level, name, context.path)
            else:
                ref = self.project.find(name, context.path)
            if ref is None:
                if cut == len(parts):  # no module of that name: remember where one would be
                    for path in self.project.missing_paths(level, name, context.path):
                        self.read_modules.setdefault(path, ABSENT)
                continue
            value: Any = self.module_value(ref)
            for attr in parts[cut:]:
                value = self.attribute_of_module(value, attr) if isinstance(value, ModuleVal) else _class_attribute(value, attr)
                if value is None:
                    return None
            return value
        return None

    def module_value(self, ref: ModuleRef) -> ModuleVal:
        return ModuleVal(ref, self.module_scope_of(ref.path) if ref.path is not None else None)

    def attribute_of_module(self, module: ModuleVal, attr: str) -> Any:
        """``module.attr``: a name the module binds, else a submodule; None when neither."""
        if module.scope is not None:
            if attr in module.scope.names:
                return module.scope.names[attr]
            # a name the module imports (``from .x import y`` in an ``__init__.py``)
            context = module.scope.context
            qualified = context.imports.names.get(attr) if context is not None else None
            if qualified is not None:
                return self.imported_value(qualified, module.scope)
        if self.project is not None:
            sub = self.project.submodule(module.ref, attr)
            if sub is not None:
                return self.module_value(sub)
        return None

    def module_scope_of(self, path: str) -> Optional[Scope]:
        """The scope of the project module at ``path``, evaluated once per linted file."""
        if path in self.module_scopes:
            return self.module_scopes[path]
        if self.project is None or len(self.module_scopes) >= MAX_MODULES or path == self.home.path:
            return None
        parsed = self.project.parsed(path)
        if parsed is None:
            # nothing learnt from it, but a fix of it changes the model: still a dependency
            self.module_scopes[path] = None
            self.read_modules[path] = self.project.digest(path)
            return None
        self.module_scopes[path] = None  # a cycle reaching it again sees nothing
        self.read_modules[path] = parsed.digest
        context = self.foreign_context(parsed)
        scope = context.scope = Scope(context=context)
        saved_pure, self.pure = self.pure, True
        saved_entries, self.entry_stack = self.entry_stack, []
        try:
            self.hoist_definitions(parsed.tree.body, scope)
            self.exec_definitions(parsed.tree.body, scope)
        finally:
            self.pure = saved_pure
            self.entry_stack = saved_entries
        self.module_scopes[path] = scope
        return scope

    def foreign_context(self, parsed: ParsedModule) -> ModuleContext:
        context = ModuleContext(parsed.path, parsed.imports, parsed.tree, parsed.source, home=False)
        # any imported name may be more of the project's code that makes tasks
        imported_locals = frozenset(parsed.imports.names)

        def makers() -> FrozenSet[str]:
            return self.maker_names_of(context.scope) if context.scope is not None else frozenset()

        context.text_gate = TextGate(parsed.source, makers, imported_locals,
                                     lambda dotted: self.imported_maker(dotted, context))
        self.foreign_modules.append(context)
        return context

    def exec_definitions(self, body: Sequence[cst.CSTNode], scope: Scope) -> None:
        """A followed module's top level, as far as its names go: definitions
        (already hoisted, bound again where the code rebinds them) and plain
        assignments, evaluated without effects; ``if``/``try`` bodies too (an
        optional import, a constant per environment), never a ``with``, a
        loop or a bare call."""
        for statement in body:
            if isinstance(statement, cst.FunctionDef):
                scope.bind(statement.name.value, self.define_function(statement, scope))
            elif isinstance(statement, cst.ClassDef):
                scope.bind(statement.name.value, self.define_class(statement, scope))
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self.define_assignment(small, scope)
            elif isinstance(statement, cst.If):
                self.exec_definitions(_body(statement.body), scope)
                orelse = statement.orelse
                while orelse is not None:
                    self.exec_definitions(_body(orelse.body), scope)
                    orelse = orelse.orelse if isinstance(orelse, cst.If) else None
            elif isinstance(statement, cst.Try):
                self.exec_definitions(_body(statement.body), scope)
                if statement.orelse is not None:
                    self.exec_definitions(_body(statement.orelse.body), scope)

    def define_assignment(self, small: cst.BaseSmallStatement, scope: Scope) -> None:
        if isinstance(small, cst.Assign):
            value = self.evaluate(small.value, scope)
            for target in small.targets:
                if isinstance(target.target, cst.Name):
                    scope.bind(target.target.value, value)
                else:
                    for name in _target_names(target.target):
                        scope.bind(name, UNKNOWN)
        elif isinstance(small, cst.AnnAssign) and small.value is not None and isinstance(small.target, cst.Name):
            scope.bind(small.target.value, self.evaluate(small.value, scope))
        elif isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
            scope.bind(small.target.value, UNKNOWN)

    def callee_function(self, function: FunctionVal, name: str) -> Optional[FunctionVal]:
        """The function a callable's body calls by ``name`` (``helper``,
        ``helpers.read_path``, ``self.load``), when it is one the builder can
        read: of the same module, of a project module, or a method of the
        callable's own class; None for anything else."""
        head, _, rest = name.partition(".")
        if head == "self" and function.owner_class is not None:
            if not rest or "." in rest:
                return None
            found = find_method(function.owner_class, rest)
            return FunctionVal(found[1], found[0].scope, owner_class=found[0],
                               self_value=function.self_value) if found is not None else None
        value = function.scope.lookup(head)
        if value is None:
            qualified = self.context_of(function.scope).imports.names.get(head)
            if qualified is None or self.project is None:
                return None
            value = self.project_value(qualified, self.context_of(function.scope))
        for attr in rest.split(".") if rest else ():
            if isinstance(value, ModuleVal):
                value = self.attribute_of_module(value, attr)
            elif isinstance(value, ClassVal):
                found = find_method(value, attr)
                value = FunctionVal(found[1], found[0].scope, owner_class=found[0]) if found is not None else None
            else:
                return None
        return value if isinstance(value, FunctionVal) else None

    def entering(self, scope: Scope, node: Optional[cst.CSTNode]) -> bool:
        """Before running code of ``scope`` from ``node``: note where foreign code
        was entered from the linted file (True when this call noted it)."""
        if node is not None and not self.entry_stack and self.is_foreign(scope):
            self.entry_stack.append(node)
            return True
        return False


def _class_attribute(value: Any, attr: str) -> Any:
    """``Cls.attr`` of a class a module binds (an Enum member, a constant), or None."""
    if isinstance(value, ClassVal):
        return value.attribute(attr)
    return None


def _target_names(target: cst.BaseExpression) -> Set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return {name for element in target.elements for name in _target_names(element.value)}
    return set()


def _body(suite: cst.BaseSuite) -> Sequence[cst.CSTNode]:
    return suite.body if isinstance(suite, cst.IndentedBlock) else []

