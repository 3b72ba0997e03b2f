"""The command line: help and examples for every command, outline's JSON contract and exit codes."""
from __future__ import annotations

import json

import click
from click.testing import CliRunner

from conftest import CORPUS
from reportsearch.cli import main


def _commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


def test_every_command_has_help_and_an_example():
    runner = CliRunner()
    for path, cmd in _commands(main):
        res = runner.invoke(main, [*path, "--help"])
        assert res.exit_code == 0, path
        assert cmd.help and "Example" in cmd.help, f"{' '.join(path)} lacks an example"
        assert "reportsearch " + path[0] in res.output


def test_outline_json_is_the_scoring_contract():
    res = CliRunner().invoke(main, ["outline", str(CORPUS / "linfen-2021.txt"), str(CORPUS / "ruian-2019.txt"), "--json"])
    assert res.exit_code == 0
    lines = res.output.strip().split("\n")
    assert len(lines) == 2
    obj = json.loads(lines[0])
    assert set(obj) == {"path", "title", "region", "issuer", "year", "report_year", "published", "blocks"}
    assert obj["title"] == "临汾市人民政府关于2021年度法治政府建设情况的报告"
    assert obj["year"] == 2021 and obj["report_year"] == 2022 and obj["published"] == "2022-02-14" and obj["region"] == "临汾市"
    assert set(obj["blocks"][0]) == {"labels", "heading", "text"}


def test_outline_tree_shows_metadata_tags_and_headings():
    res = CliRunner().invoke(main, ["outline", str(CORPUS / "zhaoqing-2023.txt")])
    assert res.exit_code == 0
    assert "肇庆市2023年法治政府建设年度报告" in res.output
    assert "published 2024-01-29" in res.output
    assert "二、主要存在问题" in res.output and " 存在问题 " in res.output


def test_bad_files_warn_and_the_rest_are_read(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "pic.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    res = CliRunner().invoke(main, ["outline", str(tmp_path / "empty.txt"), str(tmp_path / "pic.txt"),
                                    str(tmp_path / "nope.txt"), str(CORPUS / "ruian-2019.txt"), "--json"])
    assert res.exit_code == 0
    assert len(res.stdout.strip().split("\n")) == 1
    assert f"warning: {tmp_path / 'empty.txt'}: empty file" in res.stderr
    assert f"warning: {tmp_path / 'pic.txt'}: is a PNG image, not text" in res.stderr
    assert f"warning: {tmp_path / 'nope.txt'}: no such file or directory" in res.stderr


def test_nothing_readable_exits_2(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    res = CliRunner().invoke(main, ["outline", str(tmp_path / "empty.txt")])
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines()[-1].startswith("error: no report could be read")
    assert "Traceback" not in res.output
