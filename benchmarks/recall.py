"""Recall on real code: inject one realistic XCom bug per copy of a real DAG file.

    python benchmarks/recall.py CORPUS [CORPUS ...] [--airflow-version 3] [--json OUT]
    python benchmarks/recall.py --load OUT --show-misses KIND

Sites are found by an independent scan with Python's ``ast`` (``recall_scan``),
never by xcomlint's model; each mutant (``recall_mutants``) changes one thing
and keeps the line count, so that findings on the original and on the mutant
compare line by line. Original and mutant are linted in-process with
xcomlint's engine, each file alone, with the default rules and no cache.

- detected: the expected code is reported at the bug (the pull, the return...);
- skipped: the original already reports the expected code there (the mutant
  could not show anything new), not counted;
- collateral: a finding of the mutant that the original does not have at the
  same (line, code) and that the injected bug does not explain.

The output is a Markdown table per corpus and Airflow version, then every
collateral finding. ``--json`` writes every mutant (file, line, kind, what was
expected and reported, a snippet) for studying the misses.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Hashable, Iterable, List, Optional, Sequence, Tuple, Type, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from recall_mutants import EXPECTED, KINDS, Mutant, mutants_of  # noqa: E402
from recall_scan import scan_file  # noqa: E402

ROWS_BY_ORIGIN = ("do_xcom_push_false", "pull_from_silent_operator")
ORIGINS = ("provider", "classic", "unknown")
SNIPPET_CONTEXT = 3


# --------------------------------------------------------------------------- linting


class Linter:
    """xcomlint's engine on one in-memory file at a time, as ``xcomlint check FILE`` lints it."""

    def __init__(self, airflow_version: int):
        from xcomlint.engine import lint_source, run_whole_run_rules, selected_rules
        from xcomlint.rules.registry import all_rules
        from xcomlint.settings import Settings, select_codes

        self._lint_source = lint_source
        self._whole_run = run_whole_run_rules
        selected = select_codes({r.code: r.default for r in all_rules()})
        self.settings = Settings(selected=selected, airflow_version=airflow_version)
        self.rules = selected_rules(self.settings)

    def lint(self, path: str, source: str) -> Tuple[List[dict], List[str]]:
        result = self._lint_source(path, source, self.settings, self.rules)
        findings = list(result.findings)
        errors = [e.message for e in result.errors]
        if result.model is not None:
            extra, extra_errors = self._whole_run([result.model], self.settings, self.rules)
            findings.extend(extra)
            errors.extend(e.message for e in extra_errors)
        return [{"line": f.line, "column": f.column, "code": f.code, "message": f.message} for f in findings], errors


def model_view(path: str, source: str, lines: Sequence[Tuple[int, int]], detail: Dict[str, object]) -> Dict[str, object]:
    """What xcomlint's model saw near a missed bug, to study the miss: the
    DAGs (kind, completeness), the pulls and returns at the bug's lines and the
    tasks the bug names. Read after the fact only, never to choose sites."""
    from xcomlint.model import ALL_POSITIONS, build_file_model

    try:
        model = build_file_model(path, source, positions=ALL_POSITIONS)
    except Exception as error:  # a diagnosis must not stop the run
        return {"error": f"{type(error).__name__}: {error}"}

    def near(span) -> bool:
        return span.line > 0 and (in_lines(span.line, lines) or (
            span.end_line >= lines[0][0] and span.line <= lines[-1][1]))

    names = {str(v) for v in detail.values() if isinstance(v, str)}
    view: Dict[str, object] = {"dags": [], "loose_pulls_here": [
        {"task_ids": repr(p.task_ids), "key": repr(p.key), "via": p.via} for p in model.loose_pulls if near(p.span)]}
    for dag in model.dags:
        view["dags"].append({  # type: ignore[union-attr]
            "dag_id": repr(dag.dag_id), "kind": dag.kind, "tasks": len(dag.tasks),
            "tasks_complete": dag.tasks_complete, "edges_complete": dag.edges_complete,
            "unknown_ids": [u.pattern + (f" in {u.group}" if u.group else "") for u in dag.unknown_ids][:5],
            "pulls_here": [{"consumer": repr(p.consumer), "task_ids": repr(p.task_ids), "key": repr(p.key), "via": p.via}
                           for p in dag.pulls if near(p.span)],
            "pushes_here": [{"task": repr(p.task_id), "key": repr(p.key), "via": p.via, "known": p.value.known,
                             "non_json": [k for k, _ in p.value.non_json]}
                            for p in dag.pushes if near(p.span)],
            "named_tasks": [{"task_id": t.task_id, "operator": t.operator, "pushes_known": t.pushes_known,
                             "silent": t.silent_reason} for t in dag.tasks if t.task_id in names],
        })
    return view


def in_lines(line: int, ranges: Iterable[Tuple[int, int]]) -> bool:
    return any(first <= line <= last for first, last in ranges)


# --------------------------------------------------------------------------- one mutant


class Positions:
    """Finding (line, 1-based column) -> offset in a source."""

    def __init__(self, source: str):
        self.starts = [0]
        for line in source.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, finding: dict) -> int:
        line = min(max(finding["line"], 1), len(self.starts) - 1) if len(self.starts) > 1 else 1
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else start
        return min(start + max(finding["column"], 1) - 1, max(start, end - 1))


def at(finding: dict, positions: Positions, spans: Iterable[Tuple[int, int]]) -> bool:
    offset = positions.offset(finding)
    return any(start <= offset < max(end, start + 1) for start, end in spans)


def explained(finding: dict, mutant: Mutant, positions: Positions) -> bool:
    if finding["code"] == mutant.expected and at(finding, positions, map(mutant.in_mutant, mutant.sites)):
        return True
    for code, spans, text in mutant.explained:
        if finding["code"] == code and (spans is None or at(finding, positions, map(mutant.in_mutant, spans))) \
                and (text is None or text in finding["message"]):
            return True
    return False


def snippet(source: str, line: int, context: int = SNIPPET_CONTEXT) -> str:
    lines = source.splitlines()
    first, last = max(1, line - context), min(len(lines), line + context)
    return "\n".join(f"{'>' if n == line else ' '}{n:5d} | {lines[n - 1]}" for n in range(first, last + 1))


@dataclass
class Outcome:
    corpus: str
    file: str
    airflow: int
    kind: str
    origin: Optional[str]
    line: int
    lines: List[Tuple[int, int]]
    expected: str
    status: str  # detected / missed / skipped / error
    reported_at_bug: List[dict]
    collateral: List[dict]
    new_findings: List[dict]
    errors: List[str]
    before: str
    after: str
    snippet: str
    detail: Dict[str, object] = field(default_factory=dict)
    model: Optional[Dict[str, object]] = None  # for a miss: what xcomlint's model saw there

    def to_dict(self) -> dict:
        return dict(self.__dict__)


O = TypeVar("O", bound=Outcome)


def unmatched(original: Sequence[dict], findings: Sequence[dict], key: Callable[[dict], Hashable]) -> List[dict]:
    """The findings that the original's findings do not match one for one by ``key``."""
    remaining = Counter(key(f) for f in original)
    new = []
    for f in findings:
        if remaining[key(f)]:
            remaining[key(f)] -= 1
        else:
            new.append(f)
    return new


def judge(corpus: str, path: str, airflow: int, mutant: Mutant, original: List[dict], original_positions: Positions,
          linter: Linter) -> Outcome:
    def outcome(status: str, findings: List[dict], positions: Positions, spans: List[Tuple[int, int]],
                new: List[dict], collateral: List[dict], errors: List[str]) -> Outcome:
        at_bug = [f for f in findings if at(f, positions, spans)]
        return Outcome(corpus, path, airflow, mutant.kind, mutant.origin, mutant.line, mutant.lines, mutant.expected,
                       status, at_bug, collateral, new, errors, mutant.before, mutant.after,
                       snippet(mutant.source, mutant.line), mutant.detail)

    def at_bug(findings: List[dict], positions: Positions, spans: List[Tuple[int, int]]) -> int:
        return sum(1 for f in findings if f["code"] == mutant.expected and at(f, positions, spans))

    if at_bug(original, original_positions, mutant.sites):
        return outcome("skipped", original, original_positions, mutant.sites, [], [], [])
    findings, errors = linter.lint(path, mutant.source)
    positions = Positions(mutant.source)
    spans = [mutant.in_mutant(s) for s in mutant.sites]
    # findings compare as multisets of (line, code): the line count is kept
    new = unmatched(original, findings, lambda f: (f["line"], f["code"]))
    collateral = [f for f in new if not explained(f, mutant, positions)]
    detected = at_bug(findings, positions, spans) > 0
    status = "error" if errors else ("detected" if detected else "missed")
    result = outcome(status, findings, positions, spans, new, collateral, errors)
    if status == "missed":
        result.model = model_view(path, mutant.source, mutant.lines, mutant.detail)
    return result


# --------------------------------------------------------------------------- a run


def corpus_files(folder: Path) -> List[Path]:
    return sorted(p for p in folder.rglob("*.py") if p.is_file())


_linters: Dict[int, Linter] = {}


def _linter(version: int) -> Linter:
    if version not in _linters:
        _linters[version] = Linter(version)
    return _linters[version]


def check_file(corpus: str, path: str, versions: Sequence[int], seed: int, per_file: int,
               kinds: Sequence[str]) -> Tuple[List[Outcome], int]:
    """The outcomes of every mutant of one file, and the number of mutants."""
    try:
        source = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return [], 0
    scan = scan_file(path, source)
    if scan is None:
        return [], 0
    mutants = mutants_of(scan, seed, kinds, per_file)
    outcomes = []
    for version in versions:
        linter = _linter(version)
        original, _errors = linter.lint(path, source) if mutants else ([], [])
        positions = Positions(source)
        for mutant in mutants:
            outcomes.append(judge(corpus, path, version, mutant, original, positions, linter))
    return outcomes, len(mutants)


def _check_file_job(job: tuple) -> Tuple[List[Outcome], int]:
    return check_file(*job)


def run(corpora: Sequence[Path], versions: Sequence[int], seed: int, per_file: int, kinds: Sequence[str],
        jobs: int = 1, progress: bool = True) -> Tuple[List[Outcome], Dict[str, object]]:
    outcomes: List[Outcome] = []
    stats: Dict[str, object] = {"files": {}, "files_with_sites": {}, "mutants": {}, "seconds": 0.0}
    started = time.perf_counter()
    work = []
    for corpus in corpora:
        stats["files"][corpus.name] = 0  # type: ignore[index]
        stats["files_with_sites"][corpus.name] = 0  # type: ignore[index]
        stats["mutants"][corpus.name] = 0  # type: ignore[index]
        for path in corpus_files(corpus):
            stats["files"][corpus.name] += 1  # type: ignore[index]
            work.append((corpus.name, str(path), tuple(versions), seed, per_file, tuple(kinds)))
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=jobs)
        results = pool.map(_check_file_job, work, chunksize=8)
    else:
        pool = None
        results = map(_check_file_job, work)
    try:
        for index, (job, (found, count)) in enumerate(zip(work, results)):
            outcomes.extend(found)
            if count:
                stats["files_with_sites"][job[0]] += 1  # type: ignore[index]
                stats["mutants"][job[0]] += count  # type: ignore[index]
            if progress and index % 250 == 0:
                print(f"  {index}/{len(work)} files, {len(outcomes)} outcomes", file=sys.stderr)
    finally:
        if pool is not None:
            pool.shutdown()
    stats["seconds"] = round(time.perf_counter() - started, 1)
    return outcomes, stats


# --------------------------------------------------------------------------- report


def row_keys(outcome: Outcome) -> List[str]:
    keys = [outcome.kind]
    if outcome.kind in ROWS_BY_ORIGIN and outcome.origin:
        keys.append(f"{outcome.kind} [{outcome.origin}]")
    return keys


def table(outcomes: Sequence[Outcome]) -> str:
    counts: Dict[str, Counter] = defaultdict(Counter)
    for o in outcomes:
        for key in row_keys(o):
            counts[key][o.status] += 1
    lines = ["| bug kind | expected | sites | detected | recall | skipped | collateral |",
             "|---|---|---:|---:|---:|---:|---:|"]
    collateral = Counter()
    for o in outcomes:
        for key in row_keys(o):
            collateral[key] += len(o.collateral)
    total = Counter()
    total_collateral = 0
    order = []
    for kind in KINDS:
        order.append(kind)
        if kind in ROWS_BY_ORIGIN:
            order.extend(f"{kind} [{origin}]" for origin in ORIGINS)
    for key in order:
        c = counts.get(key)
        if not c:
            continue
        sites = c["detected"] + c["missed"] + c["error"]
        name = key if "[" not in key else f"&nbsp;&nbsp;{key.split('[')[1][:-1]} operators"
        lines.append(f"| {name} | {EXPECTED[key.split(' ')[0]]} | {sites} | {c['detected']} | "
                     f"{percent(c['detected'], sites)} | {c['skipped']} | {collateral[key]} |")
        if "[" not in key:
            total.update(c)
            total_collateral += collateral[key]
    sites = total["detected"] + total["missed"] + total["error"]
    lines.append(f"| **total** | | **{sites}** | **{total['detected']}** | **{percent(total['detected'], sites)}** | "
                 f"{total['skipped']} | {total_collateral} |")
    return "\n".join(lines)


def percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "n/a"


def report(outcomes: Sequence[Outcome], stats: Dict[str, object], versions: Sequence[int]) -> str:
    out = []
    corpora = sorted({o.corpus for o in outcomes}, key=lambda c: list(stats["files"]).index(c))  # type: ignore[arg-type]
    groups: List[Tuple[str, List[Outcome]]] = []
    for version in versions:
        for corpus in corpora:
            groups.append((f"{corpus}, Airflow {version}",
                           [o for o in outcomes if o.corpus == corpus and o.airflow == version]))
        if len(corpora) > 1:
            groups.append((f"all corpora, Airflow {version}", [o for o in outcomes if o.airflow == version]))
    for title, selected in groups:
        out.append(f"### Recall on real code: {title}\n")
        files = stats["files"]
        if "," in title and not title.startswith("all"):
            corpus = title.split(",")[0]
            out.append(f"{files[corpus]} files, {stats['files_with_sites'][corpus]} with sites, "  # type: ignore[index]
                       f"{stats['mutants'][corpus]} mutants.\n")
        out.append(table(selected) + "\n")
    collateral = [(o, f) for o in outcomes for f in o.collateral]
    errors = [o for o in outcomes if o.status == "error"]
    out.append(f"Collateral findings: {len(collateral)}.")
    for o, f in collateral:
        out.append(f"- {o.file}:{f['line']}: {f['code']} (Airflow {o.airflow}, {o.kind} at line {o.line}): {f['message']}")
    if errors:
        out.append(f"\nInternal errors of xcomlint on mutants: {len(errors)}.")
        for o in errors:
            out.append(f"- {o.file}:{o.line} ({o.kind}): {'; '.join(o.errors)}")
    out.append(f"\n{sum(1 for o in outcomes if o.status != 'skipped')} mutants linted in {stats['seconds']} s.")
    return "\n".join(out)


def show_misses(outcomes: Sequence[Outcome], kind: str) -> str:
    out = []
    for o in outcomes:
        if o.status != "missed" or (o.kind != kind and f"{o.kind} [{o.origin}]" != kind):
            continue
        reported = ", ".join(f"{f['code']}@{f['line']}" for f in o.reported_at_bug) or "nothing"
        out.append(f"{o.file}:{o.line}  [{o.kind}, Airflow {o.airflow}] reported there: {reported}")
        out.append(f"    before: {o.before}\n    after:  {o.after}")
        out.append(o.snippet)
        out.append("")
    return "\n".join(out) if out else f"no misses of {kind}"


def read_outcomes(data: dict, record: Type[O]) -> List[O]:
    """The mutants of a ``--json`` file as records (JSON wrote the line ranges as lists)."""
    outcomes = []
    for item in data["mutants"]:
        item["lines"] = [tuple(x) for x in item["lines"]]
        outcomes.append(record(**item))
    return outcomes


def load(path: Path) -> Tuple[List[Outcome], Dict[str, object], List[int]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return read_outcomes(data, Outcome), data["stats"], data["airflow_versions"]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="*", type=Path, help="folders of DAG files")
    parser.add_argument("--airflow-version", type=int, action="append", choices=(2, 3), dest="versions",
                        help="Airflow version to lint for (repeat for both; default 3)")
    parser.add_argument("--seed", type=int, default=17, help="seed of the site sampling and typos (default 17)")
    parser.add_argument("--per-file", type=int, default=3, help="at most this many mutants per file and kind (default 3)")
    parser.add_argument("--kind", action="append", choices=KINDS, help="only these bug kinds")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--json", type=Path, help="write every mutant's details to this file")
    parser.add_argument("--load", type=Path, help="read the results of an earlier --json run instead of running")
    parser.add_argument("--show-misses", metavar="KIND",
                        help="print the mutated lines of the misses of KIND (a kind, or 'KIND [provider]')")
    args = parser.parse_args(argv)
    if args.load:
        outcomes, stats, versions = load(args.load)
    else:
        if not args.corpora:
            parser.error("give at least one corpus folder, or --load")
        for corpus in args.corpora:
            if not corpus.is_dir():
                parser.error(f"not a folder: {corpus}")
        versions = args.versions or [3]
        outcomes, stats = run(args.corpora, versions, args.seed, args.per_file, args.kind or KINDS, args.jobs)
        if args.json:
            args.json.write_text(json.dumps({
                "airflow_versions": versions, "seed": args.seed, "per_file": args.per_file,
                "corpora": [str(c) for c in args.corpora], "stats": stats,
                "mutants": [o.to_dict() for o in outcomes],
            }, indent=1), encoding="utf-8")
    if args.show_misses:
        print(show_misses(outcomes, args.show_misses))
    else:
        print(report(outcomes, stats, versions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
