"""The command list of ``--help`` and ``xcomlint rules`` say everything, at any width."""

from __future__ import annotations

import re

import pytest
from conftest import cli_runner

from xcomlint.cli import main
from xcomlint.rules import all_rules


@pytest.mark.parametrize("width", [50, 80, 200])
@pytest.mark.parametrize("args", [["--help"], ["allowlist", "--help"]])
def test_command_summaries_are_never_cut(width: int, args: list) -> None:
    result = cli_runner().invoke(main, args, terminal_width=width)
    assert result.exit_code == 0
    listing = result.stdout.split("Commands:", 1)[1]
    assert "..." not in listing
    # each command's whole first sentence is there, wrapped at the width
    group = main if args == ["--help"] else main.commands["allowlist"]
    joined = " ".join(listing.split())
    for name, command in group.commands.items():
        first_sentence = re.split(r"(?<=\.)\s", " ".join((command.help or "").split()), maxsplit=1)[0]
        assert f"{name} {first_sentence}" in joined
    assert all(len(line) <= max(width, 60) for line in listing.splitlines())


def test_rules_shows_the_allowlist_rules_as_such() -> None:
    result = cli_runner().invoke(main, ["rules"])
    assert result.exit_code == 0
    rows = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert sorted(rows) == sorted(rule.code for rule in all_rules())
    for rule in all_rules():
        label = "with an allow-list" if rule.code.startswith("XCL3") else ("on" if rule.default else "off")
        assert re.match(rf"^{rule.code}  {re.escape(rule.name)} +{re.escape(label)} +{re.escape(rule.summary)}$", rows[rule.code])
    summaries = {line.index(rule.summary) for rule in all_rules() for line in [rows[rule.code]]}
    assert len(summaries) == 1  # one column
