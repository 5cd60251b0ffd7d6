from typer.testing import CliRunner

from trafficdash.cli import app

runner = CliRunner()

VERBS = ["serve", "worker", "scheduler", "sync", "connect", "sandbox", "db", "report", "token"]


def test_help_lists_every_verb() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for verb in VERBS:
        assert verb in result.output


def test_every_verb_has_help() -> None:
    for verb in [*VERBS, "db upgrade", "token create", "token list", "token revoke"]:
        result = runner.invoke(app, [*verb.split(), "--help"])
        assert result.exit_code == 0, (verb, result.output)


def test_db_upgrade_is_idempotent() -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "upgraded" in result.output
