"""Whole-repository recall: inject one realistic XCom bug at a time into a copy of a
real repository (its DAG files and the modules they import) and lint it as a user would.

    python benchmarks/recall_repos.py REPO_DIR [REPO_DIR ...] [--max-mutants 40] [--json OUT]
    python benchmarks/recall_repos.py CHECKOUTS_DIR            # every checkout of CHECKOUTS.tsv
    python benchmarks/recall_repos.py CHECKOUTS_DIR --xcomlint OTHER_VENV/bin/xcomlint   # another version
    python benchmarks/recall_repos.py --load OUT [--per-repo] [--show-misses KIND]

Sites and mutants are those of ``recall.py`` (``recall_scan``, ``recall_mutants``),
found in DAG files as there and, in the modules DAG files import, on the
module's context (``recall_project``). Each mutant is written into a temporary
copy of the repository and linted by the ``xcomlint`` command, with the
repository root as the working directory, two ways:

- pre-commit: ``xcomlint check --no-cache --format json <the changed file>``;
- CI: ``xcomlint check --no-cache --format json .`` (the whole tree, per mutant).

A mutant is detected in a mode when a finding of the expected code that the
unmutated repository does not have in that mode is at the bug, or names the
mutated file and line in its message (a finding placed at the DAG line that
brings a helper in). Collateral: the other new findings the bug does not
explain. The tables are those of ``recall.py``, per mode and per kind of file
(DAG files, modules), then per repository.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from recall import (  # noqa: E402
    Outcome,
    Positions,
    at,
    explained,
    percent,
    read_outcomes,
    snippet,
    table,
    unmatched,
)
from recall_mutants import KINDS  # noqa: E402
from recall_project import Site, read_project, repository_sites  # noqa: E402

MODES: Tuple[str, ...] = ("pre-commit", "CI")
ROLES: Dict[str, str] = {"dag": "DAG files", "module": "modules"}
# a place in another file, as a message names it: ``include/helpers.py:12``
LOCATION = re.compile(r"([\w./\\-]+\.py):(\d+)")


# --------------------------------------------------------------------------- running xcomlint


@dataclass
class LintRun:
    findings: List[dict]
    errors: List[str]  # xcomlint's error lines (internal errors, unreadable paths)


def xcomlint_command() -> List[str]:
    """The ``xcomlint`` script of this environment. Not ``python -m xcomlint``:
    ``-m`` puts the working directory (the linted repository) first on
    sys.path, where a module of the repository could shadow one of xcomlint's."""
    script = Path(sys.executable).parent / "xcomlint"
    return [str(script)] if script.exists() else [shutil.which("xcomlint") or "xcomlint"]


def normal_path(path: str, root: Path) -> str:
    if os.path.isabs(path):
        path = os.path.relpath(path, root)
    return os.path.normpath(path).replace(os.sep, "/")


def lint(root: Path, target: str, airflow: int, command: Sequence[str]) -> LintRun:
    """``xcomlint check`` of ``target`` (a path relative to ``root``), run in ``root``."""
    proc = subprocess.run([*command, "check", "--no-cache", "--format", "json", "--airflow-version", str(airflow),
                           target], cwd=root, capture_output=True, text=True)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("xcomlint: ") and "error" in line]
    try:
        findings = json.loads(proc.stdout) if proc.stdout.strip() else []
    except json.JSONDecodeError:
        findings = []
        errors.append(f"unreadable output (exit {proc.returncode}): {proc.stdout[:200]!r}")
    if proc.returncode not in (0, 1) and not errors:
        errors.append(f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
    for finding in findings:
        finding["path"] = normal_path(finding["path"], root)
    return LintRun(findings, errors)


# --------------------------------------------------------------------------- judging


def locations(message: str) -> List[Tuple[str, int]]:
    """The places a message names, ``./`` and Windows separators aside."""
    found = []
    for path, line in LOCATION.findall(message):
        path = path.replace("\\", "/")
        while path.startswith("./"):
            path = path[2:]
        found.append((path, int(line)))
    return found


def same_file(named: str, path: str) -> bool:
    """A path as a message writes it (relative, absolute, or shorter) is ``path``."""
    return named == path or named.endswith("/" + path) or path.endswith("/" + named)


def names(finding: dict, path: str, lines: Iterable[Tuple[int, int]]) -> bool:
    """The finding's message names ``path`` at one of ``lines``."""
    ranges = list(lines)
    return any(same_file(named, path) and any(a <= line <= b for a, b in ranges)
               for named, line in locations(finding["message"]))


def line_ranges(source: str, spans: Iterable[Tuple[int, int]]) -> List[Tuple[int, int]]:
    return [(source.count("\n", 0, a) + 1, source.count("\n", 0, max(a, b - 1)) + 1) for a, b in spans]


def catches(finding: dict, site: Site, source: str, spans: List[Tuple[int, int]]) -> bool:
    """A finding of the expected code at the bug (``spans`` of ``source``), or naming it."""
    if finding["code"] != site.mutant.expected:
        return False
    if finding["path"] == site.path and at(finding, Positions(source), spans):
        return True
    return names(finding, site.path, line_ranges(source, spans))


def finding_key(finding: dict) -> Tuple[str, int, str, Tuple[Tuple[str, int], ...]]:
    """Findings compare as multisets of (file, line, code, the places their message names):
    the line count is kept, and a finding placed at a DAG line differs by the helper line it names."""
    return finding["path"], finding["line"], finding["code"], tuple(sorted(locations(finding["message"])))


def new_findings(original: Sequence[dict], mutated: Sequence[dict]) -> List[dict]:
    return unmatched(original, mutated, finding_key)


def explained_anywhere(finding: dict, site: Site) -> bool:
    """Whether the bug explains a new finding, wherever it is placed."""
    mutant = site.mutant
    spans = [mutant.in_mutant(s) for s in mutant.sites]
    if catches(finding, site, mutant.source, spans):
        return True
    if finding["path"] == site.path and explained(finding, mutant, Positions(mutant.source)):
        return True
    for code, where, text in mutant.explained:
        if finding["code"] != code or (text is not None and text not in finding["message"]):
            continue
        if where is None or names(finding, site.path, line_ranges(mutant.source, map(mutant.in_mutant, where))):
            return True
    return False


@dataclass
class RepoOutcome(Outcome):
    mode: str = ""
    role: str = ""


def skipped(site: Site, original: LintRun) -> bool:
    """The unmutated repository already reports the expected code at the bug: the mutant cannot show anything."""
    return any(catches(f, site, site.original, site.mutant.sites) for f in original.findings)


def judge(site: Site, mode: str, airflow: int, original: LintRun, mutated: Optional[LintRun]) -> RepoOutcome:
    """The outcome of one mutant in one mode (``mutated`` is None when skipped)."""
    mutant = site.mutant

    def outcome(status: str, at_bug: List[dict], new: List[dict], collateral: List[dict],
                errors: List[str]) -> RepoOutcome:
        return RepoOutcome(site.repo, site.path, airflow, mutant.kind, mutant.origin, mutant.line, mutant.lines,
                           mutant.expected, status, at_bug, collateral, new, errors, mutant.before, mutant.after,
                           snippet(mutant.source, mutant.line), mutant.detail, mode=mode, role=site.role)

    if mutated is None:
        return outcome("skipped", [f for f in original.findings if catches(f, site, site.original, mutant.sites)],
                       [], [], [])
    spans = [mutant.in_mutant(s) for s in mutant.sites]
    new = new_findings(original.findings, mutated.findings)
    errors = [e for e in mutated.errors if e not in original.errors]
    caught = [f for f in new if catches(f, site, mutant.source, spans)]
    status = "error" if errors else ("detected" if caught else "missed")
    at_bug = [f for f in mutated.findings if f["path"] == site.path and at(f, Positions(mutant.source), spans)]
    return outcome(status, at_bug or caught, new, [f for f in new if not explained_anywhere(f, site)], errors)


# --------------------------------------------------------------------------- one repository


class MutableCopy:
    """A temporary copy of a repository, into which one mutant at a time is written."""

    def __init__(self, root: Path):
        self.parent = Path(tempfile.mkdtemp(prefix="xcomlint-recall-"))
        self.root = self.parent / root.name  # the same folder name, .git included: the same project root
        shutil.copytree(root, self.root, symlinks=True)

    def write(self, path: str, source: str) -> None:
        (self.root / path).write_bytes(source.encode("utf-8"))

    def close(self) -> None:
        shutil.rmtree(self.parent, ignore_errors=True)


@dataclass
class RepoStats:
    files: int = 0
    dag_files: int = 0
    modules: int = 0
    candidates: Dict[str, int] = field(default_factory=dict)
    mutants: Dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def check_repository(root: Path, airflow: int, seed: int, per_file: int, limit: int, kinds: Sequence[str],
                     modes: Sequence[str] = MODES, command: Optional[Sequence[str]] = None,
                     progress: bool = True) -> Tuple[List[RepoOutcome], RepoStats]:
    started = time.perf_counter()
    command = list(command or xcomlint_command())
    project = read_project(root)
    sites, candidates = repository_sites(project, root.name, seed, kinds, per_file, limit)
    stats = RepoStats(len(project.sources), len(project.dag_files), len(project.modules), candidates,
                      dict(Counter(s.role for s in sites)))
    copy = MutableCopy(root)
    outcomes: List[RepoOutcome] = []
    try:
        whole = lint(copy.root, ".", airflow, command) if "CI" in modes else LintRun([], [])
        alone: Dict[str, LintRun] = {}
        for index, site in enumerate(sites):
            if "pre-commit" in modes and site.path not in alone:
                alone[site.path] = lint(copy.root, site.path, airflow, command)
            originals = {"pre-commit": alone.get(site.path), "CI": whole}
            todo = [m for m in modes if not skipped(site, originals[m])]  # type: ignore[arg-type]
            runs: Dict[str, Optional[LintRun]] = {m: None for m in modes}
            if todo:
                copy.write(site.path, site.mutant.source)
                try:
                    for mode in todo:
                        runs[mode] = lint(copy.root, site.path if mode == "pre-commit" else ".", airflow, command)
                finally:
                    copy.write(site.path, site.original)
            outcomes.extend(judge(site, m, airflow, originals[m], runs[m]) for m in modes)  # type: ignore[arg-type]
            if progress and index % 20 == 0:
                print(f"  {root.name}: {index}/{len(sites)} mutants", file=sys.stderr)
    finally:
        copy.close()
    stats.seconds = round(time.perf_counter() - started, 1)
    return outcomes, stats


def repositories(folders: Sequence[Path]) -> List[Path]:
    """The repository roots given: a folder, or every checkout a CHECKOUTS.tsv lists."""
    roots: List[Path] = []
    for folder in folders:
        listing = folder / "CHECKOUTS.tsv"
        if listing.is_file():
            rows = listing.read_text(encoding="utf-8").splitlines()[1:]
            roots.extend(folder / row.split("\t")[2] for row in rows if row.strip())
        else:
            roots.append(folder)
    return roots


# --------------------------------------------------------------------------- report


def _kind_cell(outcomes: Sequence[RepoOutcome]) -> str:
    linted = [o for o in outcomes if o.status != "skipped"]
    return f"{sum(o.status == 'detected' for o in linted)}/{len(linted)}" if linted else ""


def repository_table(outcomes: Sequence[RepoOutcome], stats: Dict[str, dict]) -> str:
    """Per repository and mode: DAG-file and module mutants detected, collateral."""
    lines = ["| repository | DAG files | modules | candidates (DAG files / modules) | mode | DAG-file mutants | "
             "detected | recall | module mutants | detected | recall | skipped | collateral |",
             "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for repo, s in stats.items():
        head = (f"| {repo} | {s['dag_files']} | {s['modules']} | "
                f"{s['candidates'].get('dag', 0)} / {s['candidates'].get('module', 0)}")
        modes = [m for m in MODES if any(o.corpus == repo and o.mode == m for o in outcomes)]
        if not modes:  # a repository without a site still says so
            lines.append(head + " | | " + " | ".join(["0", "0", "n/a"] * 2) + " | 0 | 0 |")
        for mode in modes:
            chosen = [o for o in outcomes if o.corpus == repo and o.mode == mode]
            cells = []
            for role in ROLES:
                linted = [o for o in chosen if o.role == role and o.status != "skipped"]
                detected = sum(o.status == "detected" for o in linted)
                cells += [str(len(linted)), str(detected), percent(detected, len(linted))]
            lines.append(f"{head} | {mode} | {' | '.join(cells)} | "
                         f"{sum(o.status == 'skipped' for o in chosen)} | {sum(len(o.collateral) for o in chosen)} |")
    return "\n".join(lines)


def kind_table(outcomes: Sequence[RepoOutcome]) -> str:
    """Per repository and kind: detected/linted for each mode and kind of file."""
    columns = [(mode, role) for mode in MODES for role in ROLES]
    lines = ["| repository | bug kind | " + " | ".join(f"{mode}: {ROLES[role]}" for mode, role in columns) + " |",
             "|---|---|" + "---:|" * len(columns)]
    groups: Dict[Tuple[str, str], List[RepoOutcome]] = defaultdict(list)
    for o in outcomes:
        groups[(o.corpus, o.kind)].append(o)
    for repo in dict.fromkeys(o.corpus for o in outcomes):
        for kind in KINDS:
            chosen = groups.get((repo, kind), [])
            cells = [_kind_cell([o for o in chosen if o.mode == m and o.role == r]) for m, r in columns]
            if any(cells):
                lines.append(f"| {repo} | {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(outcomes: Sequence[RepoOutcome], stats: Dict[str, dict], airflow: int, per_repo: bool = False) -> str:
    out = []
    for mode in MODES:
        for role, title in ROLES.items():
            chosen = [o for o in outcomes if o.mode == mode and o.role == role]
            if chosen:
                out.append(f"### Whole-repository recall: all repositories, {mode}, {title}, Airflow {airflow}\n")
                out.append(table(chosen) + "\n")
    out.append("### Whole-repository recall per repository\n")
    out.append(repository_table(outcomes, stats) + "\n")
    if per_repo:
        out.append("### Whole-repository recall per repository and kind (detected/linted)\n")
        out.append(kind_table(outcomes) + "\n")
    collateral = [(o, f) for o in outcomes for f in o.collateral]
    errors = [o for o in outcomes if o.status == "error"]
    out.append(f"Collateral findings: {len(collateral)}.")
    for o, f in collateral:
        out.append(f"- {o.corpus}/{f['path']}:{f['line']}: {f['code']} ({o.mode}, {o.kind} at "
                   f"{o.file}:{o.line}): {f['message']}")
    if errors:
        out.append(f"\nErrors of xcomlint on mutants: {len(errors)}.")
        for o in errors:
            out.append(f"- {o.corpus}/{o.file}:{o.line} ({o.kind}, {o.mode}): {'; '.join(o.errors)}")
    seconds = sum(s["seconds"] for s in stats.values())
    linted = sum(1 for o in outcomes if o.status != "skipped")
    out.append(f"\n{linted} mutant lints ({', '.join(MODES)}) in {round(seconds, 1)} s.")
    return "\n".join(out)


def show_misses(outcomes: Sequence[RepoOutcome], kind: str) -> str:
    out = []
    for o in outcomes:
        if o.status == "missed" and (o.kind == kind or f"{o.kind} [{o.origin}]" == kind):
            reported = ", ".join(f"{f['code']}@{f['path']}:{f['line']}" for f in o.reported_at_bug) or "nothing"
            out += [f"{o.corpus}/{o.file}:{o.line}  [{o.kind}, {o.role}, {o.mode}] reported there: {reported}",
                    f"    before: {o.before}\n    after:  {o.after}", o.snippet, ""]
    return "\n".join(out) if out else f"no misses of {kind}"


def load(path: Path) -> Tuple[List[RepoOutcome], Dict[str, dict], int]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return read_outcomes(data, RepoOutcome), data["stats"], data["airflow_version"]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repos", nargs="*", type=Path,
                        help="repository roots, or a folder of checkouts with CHECKOUTS.tsv (checkout_repos.py)")
    parser.add_argument("--airflow-version", type=int, default=3, choices=(2, 3), help="default 3")
    parser.add_argument("--seed", type=int, default=17, help="seed of the site sampling and typos (default 17)")
    parser.add_argument("--per-file", type=int, default=3, help="at most this many mutants per file and kind (default 3)")
    parser.add_argument("--max-mutants", type=int, default=40,
                        help="at most this many mutants per repository in DAG files, and as many in modules "
                             "(default 40; -1: all)")
    parser.add_argument("--kind", action="append", choices=KINDS, help="only these bug kinds")
    parser.add_argument("--mode", action="append", choices=MODES, help="only these modes (default both)")
    parser.add_argument("--xcomlint", metavar="PATH",
                        help="the xcomlint command to run (default: the one of this Python's environment), "
                             "to measure another version installed elsewhere")
    parser.add_argument("--json", type=Path, help="write every mutant's details to this file")
    parser.add_argument("--load", type=Path, help="read the results of an earlier --json run instead of running")
    parser.add_argument("--per-repo", action="store_true", help="also print the table per repository and kind")
    parser.add_argument("--show-misses", metavar="KIND", help="print the mutated lines of the misses of KIND")
    args = parser.parse_args(argv)
    if args.load:
        outcomes, stats, airflow = load(args.load)
    else:
        roots = repositories(args.repos)
        if not roots:
            parser.error("give at least one repository folder, or --load")
        for root in roots:
            if not root.is_dir():
                parser.error(f"not a folder: {root}")
        airflow = args.airflow_version
        outcomes, stats = [], {}
        for root in roots:
            found, repo_stats = check_repository(root.resolve(), airflow, args.seed, args.per_file, args.max_mutants,
                                                 args.kind or KINDS, args.mode or MODES,
                                                 [args.xcomlint] if args.xcomlint else None)
            outcomes.extend(found)
            stats[root.resolve().name] = repo_stats.__dict__
        if args.json:
            args.json.write_text(json.dumps({
                "airflow_version": airflow, "seed": args.seed, "per_file": args.per_file,
                "max_mutants": args.max_mutants, "repositories": [str(r) for r in roots], "stats": stats,
                "xcomlint": args.xcomlint or xcomlint_command()[0],
                "mutants": [o.to_dict() for o in outcomes],
            }, indent=1), encoding="utf-8")
    if args.show_misses:
        print(show_misses(outcomes, args.show_misses))
    else:
        print(report(outcomes, stats, airflow, args.per_repo))
    return 0


if __name__ == "__main__":
    sys.exit(main())
