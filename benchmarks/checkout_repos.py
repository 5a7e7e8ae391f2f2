"""Lay out whole checkouts of DAG repositories for the whole-repository recall benchmark.

    python benchmarks/checkout_repos.py MIRROR_DIR TARGET_DIR [--repo OWNER/NAME ...]

MIRROR_DIR holds one git snapshot per repository, as ``OWNER+NAME/repo`` (the
layout ``build_dev_corpus.py`` reads). Each snapshot's HEAD is checked out,
whole, as ``TARGET_DIR/OWNER+NAME``: a clone sharing the snapshot's objects
(``git clone --shared``), detached at that commit. A clone rather than an
exported tree because a user's checkout has a ``.git``, and xcomlint takes
the folder holding ``.git`` (or ``pyproject.toml``) as the project root when it
resolves the project's own imports (SPEC section 7).

A checkout already at the snapshot's commit, with no local change, is kept;
any other is made again, so the layout depends on the snapshots alone.
TARGET_DIR/CHECKOUTS.tsv lists repository, commit and folder of every
checkout in TARGET_DIR (those of earlier runs too). The checkouts
live outside xcomlint's repository and are never committed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_dev_corpus import git, snapshot_parser, snapshots  # noqa: E402

# Development repositories (all of them in build_dev_corpus.REPOSITORIES) whose
# DAG files import the team's own modules: helpers, constants, operators,
# factories. Repositories kept for independent evaluation are deliberately absent.
WHOLE_REPOSITORIES: Tuple[str, ...] = (
    "alozur/airflow-dags",
    "digital-land/airflow-dags",
    "elifesciences/data-hub-core-airflow-dags",
    "TogetherCrew/airflow-dags",
    "RockFlow-AI/airflow-dags",
    "lappis-unb/airflow-dags",
    "Newton-School/airflow-dags",
    "superdao-inc/airflow-dags",
    "Greenstand/treetracker-airflow-dags",
    "LCBRU/airflow_dags",
    "airflow-plugins/Example-Airflow-DAGs",
)


def folder_name(repo: str) -> str:
    return repo.replace("/", "+")


def _run(*args: str, cwd: Optional[Path] = None) -> str:
    return subprocess.run(list(args), cwd=cwd, check=True, capture_output=True, text=True).stdout


def _current(target: Path, commit: str) -> bool:
    """Whether ``target`` is a checkout of ``commit`` with nothing changed."""
    if not (target / ".git").exists():
        return False
    try:
        head = _run("git", "-C", str(target), "rev-parse", "HEAD").strip()
        dirty = _run("git", "-C", str(target), "status", "--porcelain", "--untracked-files=all")
    except subprocess.CalledProcessError:
        return False
    return head == commit and not dirty.strip()


def checkout(gdir: Path, target: Path) -> str:
    """Check out ``gdir``'s HEAD as ``target``; the commit."""
    commit = git(gdir, "rev-parse", "HEAD").decode().strip()
    if _current(target, commit):
        return commit
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _run("git", "clone", "--quiet", "--shared", "--no-checkout", str(gdir), str(target))
    _run("git", "-C", str(target), "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit)
    return commit


def checkout_all(mirror: Path, target: Path, repos: Sequence[str]) -> Dict[str, str]:
    """repo -> commit of every repository checked out (a missing snapshot is reported and skipped)."""
    commits: Dict[str, str] = {}
    for repo, gdir in snapshots(mirror, repos):
        commits[repo] = checkout(gdir, target / folder_name(repo))
    # the listing keeps the checkouts an earlier run laid out in the same folder
    listing = target / "CHECKOUTS.tsv"
    listed: Dict[str, str] = {}
    if listing.is_file():
        for row in listing.read_text(encoding="utf-8").splitlines()[1:]:
            fields = row.split("\t")
            if len(fields) == 3 and (target / fields[2]).is_dir():
                listed[fields[0]] = fields[1]
    listed.update(commits)
    rows = ["repo\tcommit\tfolder"] + [f"{repo}\t{commit}\t{folder_name(repo)}" for repo, commit in listed.items()]
    listing.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return commits


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = snapshot_parser(__doc__, "folder to lay the checkouts out in")
    args = parser.parse_args(argv)
    if args.target.resolve().is_relative_to(Path(__file__).resolve().parent.parent):
        parser.error("the checkouts must live outside xcomlint's repository")
    args.target.mkdir(parents=True, exist_ok=True)
    commits = checkout_all(args.mirror, args.target, args.repo or WHOLE_REPOSITORIES)
    if not commits:
        print("no snapshot found: nothing checked out", file=sys.stderr)
        return 1
    for repo, commit in commits.items():
        print(f"{commit[:12]}  {args.target / folder_name(repo)}  ({repo})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
