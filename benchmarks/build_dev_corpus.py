"""Build the development corpus: the DAG files of public DAG repositories.

    python benchmarks/build_dev_corpus.py MIRROR_DIR TARGET_DIR [--repo OWNER/NAME ...] [--unseen]

MIRROR_DIR holds one git snapshot per repository, as ``OWNER+NAME/repo`` (a
bare git directory, or a clone whose git directory is ``repo/.git``). Every
``.py`` file of each snapshot's HEAD whose bytes contain "airflow" and "dag"
(case-insensitive, the heuristic Airflow's safe mode and the PyPI corpus
builder use) is written into TARGET_DIR as
``OWNER+NAME__<path with / replaced by __>``, so every base name is unique.
A file whose bytes equal a file already taken (a copy kept in another folder
or another repository) is skipped, as the PyPI corpus builder does, so that
no DAG counts twice. TARGET_DIR/MANIFEST.tsv lists repo, commit and path of
every file taken.

The corpus is built from snapshots kept outside the repository and is never
committed. A repository of REPOSITORIES missing from MIRROR_DIR is reported
and skipped; the build fails only when none is found.

``--unseen`` builds the corpus of UNSEEN_REPOSITORIES instead: repositories
that were never looked at while xcomlint was developed, linted to check that
what was built on the development corpus holds on other code
(docs/precision.md). A repository moves to REPOSITORIES once its findings
have been used to change xcomlint.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

# Public repositories of DAGs, mostly written by real teams. Repositories kept
# for independent evaluation, and their forks, are deliberately absent; so are
# course repositories of thousands of near-identical homework DAGs, which
# would outweigh everything else.
REPOSITORIES: Tuple[str, ...] = (
    "AtomicBim/airflow-dags",
    "BogdanSubm/airflow_dags",
    "Embonor-CocaCola/hierarchy-airflow",
    "FredHutch/nlp-airflow-dags",
    "Greenstand/treetracker-airflow-dags",
    "Kemok-Repos/airflow-dags",
    "KeshetTvBi/airflow_dags",
    "LCBRU/airflow_dags",
    "LREN-CHUV/data-factory-airflow-dags",
    "Luckydoug/airflow",
    "NASA-IMPACT/veda-data-airflow",
    "NYCPlanning/db-airflow-dags",
    "Newton-School/airflow-dags",
    "Randers-Kommune-Digitalisering/airflow",
    "RockFlow-AI/airflow-dags",
    "SaraADR/dags",
    "SorokaD/okx-hft-airflow-dags",
    "TogetherCrew/airflow-dags",
    "USF-IMARS/airflow-dag",
    "adapstory/airflow-dags",
    "airflow-plugins/Example-Airflow-DAGs",
    "akanowhere/git_plataforma_dados_alloha_airflow",
    "allenren97/rrap-gcp-dags",
    "bcdev/airflow-dags",
    "alozur/airflow-dags",
    "blockchain-etl/ethereum-etl-airflow",
    "cityofaustin/atd-airflow",
    "claude89757/wechat-on-airflow",
    "cnovelini/airflow-dags",
    "digital-land/airflow-dags",
    "doridang001-lab/doridang_airflow",
    "eft-library/eft-library-airflow",
    "elifesciences/data-hub-core-airflow-dags",
    "euch/fotki-dwh-airflow-dags",
    "fleekfashion/fleek_airflow",
    "gip-inclusion/pilotage-airflow",
    "goitacademy/airflow_sandbox",
    "harper-concierge/airflow-dags",
    "hkc-8010/airflow-dags",
    "is3107/airflow_dags",
    "jrlsteel/igloo-airflow",
    "khoperiya-david/airflow_dags",
    "lappis-unb/airflow-dags",
    "lowtouch-ai/agent_dags",
    "mechta-market/airflow-dags",
    "ministryofjustice/cica-review-case-documents-airflow",
    "mmingalov/kc-airflow",
    "navikt/team_familie_airflow_dags",
    "nazzang49/ptbwa-airflow-dags",  # unseen until its project operators showed XCL110's blind spot
    "nds-cprm/airflow-dags-p3m",
    "oss-know/airflow-jobs",
    "podaac/airflow-dags",
    "politicalwatch/airflow-dags",
    "proffalken/private-airflow-dags",
    "schooldataservices/airflow_dags_icef",
    "shawndeng-homelab/homelab-airflow-dags",
    "smu-chile/airflow-bi-ecommerce",
    "snowsky/kube-dags-test",
    "status-im/airflow-dags",
    "stellar/stellar-etl-airflow",
    "sul-dlss/dlme-airflow",
    "sul-dlss/libsys-airflow",
    "sul-dlss/rialto-airflow",
    "superdao-inc/airflow-dags",
    "tulibraries/manifold_airflow_dags",
    "uktrade/lite-airflow-dags",
    "yih5025/investment-assistant-dags",
)

UNSEEN_REPOSITORIES: Tuple[str, ...] = (
    "Akshaidevopscc/airflow_dags",
    "CurtLH/airflow_dags",
    "GersonRS/airflow-dags",
    "Giuliano99/rpi-airflow-dags",
    "JoseStalker117/airflow-dags-ui",
    "WEDO-SOLUTIONS/momah-snapshot-airflow-dags",
    "Zerohertz/airflow-dags",
    "chaffeechenyefei/market_intelligence_airflow_dags",
    "davidho27941/airflow-dags",
    "digicatapult/bridgeAI-airflow-DAGs",
    "fccn/nau-analytics-airflow-dags",
    "hadjira21/airflow_dags",
    "ilri/adgg-airflow-dags",
    "kyoungbin620/airflow_dags",
    "microbiomeDB/mbio_airflow_dags",
    "mitgate/eng-fc-cfg-airflow-dags-panda",
    "ram-from-tvl/airflow-dags",
    "seblum/mlops-airflow-DAGs",
    "semio/gapminder-airflow-dags",
    "smars1/Airflow_dags_testing",
    "sp-202/airflow-dags",
    "toodullboi-akbo/akbo-airflow-dags",
    "warlikedhruv/airflow-dags-for-migrations",
)


def git_dir(mirror: Path, repo: str) -> Optional[Path]:
    """The git directory of ``repo``'s snapshot under ``mirror``, if present."""
    base = mirror / repo.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def snapshots(mirror: Path, repos: Sequence[str]) -> Iterator[Tuple[str, Path]]:
    """(repo, git directory) of every repository of ``repos`` found under ``mirror``; a missing one is reported."""
    for repo in repos:
        gdir = git_dir(mirror, repo)
        if gdir is None:
            print(f"missing snapshot: {repo}", file=sys.stderr)
            continue
        yield repo, gdir


def git(gdir: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(gdir), *args], check=True, capture_output=True
    ).stdout


def python_blobs(gdir: Path) -> List[Tuple[str, str]]:
    """(object id, path) of every ``.py`` blob of HEAD."""
    rows = []
    for line in git(gdir, "ls-tree", "-r", "-z", "HEAD").split(b"\0"):
        if not line:
            continue
        meta, _, path = line.partition(b"\t")
        _mode, kind, oid = meta.split()
        name = path.decode("utf-8", "surrogateescape")
        if kind == b"blob" and name.endswith(".py"):
            rows.append((oid.decode(), name))
    return rows


def read_blobs(gdir: Path, oids: Sequence[str]) -> Iterator[bytes]:
    """The contents of ``oids``, in order, through one ``git cat-file --batch``."""
    if not oids:
        return
    proc = subprocess.Popen(
        ["git", "--git-dir", str(gdir), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    # Feeding all ids first could dead-lock on full pipes: one at a time.
    try:
        for oid in oids:
            proc.stdin.write(oid.encode() + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) < 3 or header[1] != b"blob":
                yield b""
                continue
            data = proc.stdout.read(int(header[2]))
            proc.stdout.read(1)  # the newline after each object
            yield data
    finally:
        proc.stdin.close()
        proc.wait()


def is_dag_like(data: bytes) -> bool:
    low = data.lower()
    return b"airflow" in low and b"dag" in low


def flat_name(repo: str, path: str) -> str:
    return repo.replace("/", "+") + "__" + path.replace("/", "__")


def build(mirror: Path, target: Path, repos: Sequence[str]) -> Dict[str, int]:
    target.mkdir(parents=True, exist_ok=True)
    counts: Dict[str, int] = {}
    manifest = ["repo\tcommit\tpath\tfile"]
    seen: set = set()
    for repo, gdir in snapshots(mirror, repos):
        commit = git(gdir, "rev-parse", "HEAD").decode().strip()
        blobs = python_blobs(gdir)
        taken = 0
        for (_oid, path), data in zip(blobs, read_blobs(gdir, [oid for oid, _ in blobs])):
            digest = hashlib.sha1(data).digest()
            if not is_dag_like(data) or digest in seen:
                continue
            seen.add(digest)
            name = flat_name(repo, path)
            (target / name).write_bytes(data)
            manifest.append(f"{repo}\t{commit}\t{path}\t{name}")
            taken += 1
        counts[repo] = taken
    (target / "MANIFEST.tsv").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    return counts


def snapshot_parser(doc: str, target_help: str) -> argparse.ArgumentParser:
    """The command line of a script reading MIRROR_DIR's snapshots into a TARGET_DIR."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("mirror", type=Path, help="folder of OWNER+NAME git snapshots")
    parser.add_argument("target", type=Path, help=target_help)
    parser.add_argument(
        "--repo", action="append", default=None, metavar="OWNER/NAME",
        help="take only these repositories (default: the built-in list)",
    )
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = snapshot_parser(__doc__, "folder to write the corpus into")
    parser.add_argument(
        "--unseen", action="store_true",
        help="take the repositories kept apart from development (UNSEEN_REPOSITORIES)",
    )
    args = parser.parse_args(argv)
    counts = build(args.mirror, args.target, args.repo or (UNSEEN_REPOSITORIES if args.unseen else REPOSITORIES))
    if not counts:
        print("no snapshot found: nothing built", file=sys.stderr)
        return 1
    for repo, n in counts.items():
        print(f"{n:5d}  {repo}", file=sys.stderr)
    print(f"total: {sum(counts.values())} files from {len(counts)} repositories -> {args.target}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
