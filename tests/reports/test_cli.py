"""``trafficdash report``: the dashboard's export, built from the command line into a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.analytics.conftest import World
from tests.reports.helpers import csv_rows, workbook
from trafficdash.analytics.date_presets import resolve_preset
from trafficdash.analytics.schemas import Filters
from trafficdash.analytics.service import account_today
from trafficdash.cli import app
from trafficdash.reports import service
from trafficdash.reports.spec import ReportSpec

WEEK2 = ["--since", "2024-01-08", "--until", "2024-01-14"]


def _report(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["report", "--email", "ana@example.com", *args])
    return result.exit_code, result.stdout, result.stderr


def test_excel_equals_the_dashboard_export_and_the_path_is_printed(world: World, tmp_path: Path) -> None:
    code, out, err = _report(*WEEK2, "--account", "101", "--level", "ad", "-o", str(tmp_path))
    assert code == 0, err
    path = Path(out.strip().splitlines()[-1])
    assert path.parent == tmp_path and path.name == "trafficdash-2024-01-08-2024-01-14-ad.xlsx"
    assert "rows written" in err and not list(tmp_path.glob("*.part"))
    filters = Filters(account_ids=[101], since="2024-01-08", until="2024-01-14")
    with service.db.session_scope() as session:
        expected = workbook(
            service.render_now(session, world.ana.id, ReportSpec(filters=filters, level="ad"))
        )
    got = workbook(path.read_bytes())
    assert got.sheetnames == expected.sheetnames and "Ads" in got.sheetnames
    for name in ("Campaigns", "Ad sets", "Ads"):
        assert [r for r in got[name].iter_rows(values_only=True)] == [
            r for r in expected[name].iter_rows(values_only=True)
        ]


def test_csv_with_the_dashboard_filters(world: World, tmp_path: Path) -> None:
    target = tmp_path / "active.csv"
    code, out, err = _report(
        *WEEK2, "--format", "csv", "--account", "101", "--status", "ACTIVE", "--output", str(target)
    )
    assert code == 0, err
    assert out.strip().splitlines()[-1] == str(target)
    rows = csv_rows(target.read_bytes())
    assert [r["Name"] for r in rows] == ["Summer Sale"]  # "Brand Awareness" is paused
    code, _, err = _report(
        *WEEK2, "--format", "csv", "--breakdown", "country", "--locale", "pt-BR", "-o", str(tmp_path)
    )
    assert code == 0, err
    pt = csv_rows((tmp_path / "trafficdash-2024-01-08-2024-01-14-country.csv").read_bytes(), delimiter=";")
    assert {r["Valor"] for r in pt} == {"BR", "PT"} and "Valor gasto" in pt[0]


def test_a_preset_is_resolved_in_the_account_time_zone(
    world: World, session: Session, tmp_path: Path
) -> None:
    code, out, err = _report("--preset", "last_7d", "--account", "103", "-o", str(tmp_path))
    assert code == 0, err
    since, until = resolve_preset("last_7d", account_today(session, world.ana.id, [103]))
    assert Path(out.strip()).name == f"trafficdash-{since}-{until}-campaign.xlsx"


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["--account", "201"], 1, "201"),  # Bob's account: not found for Ana
        (["--preset", "last_year_maybe"], 2, "unknown preset"),
        (["--since", "2024-01-08"], 2, "--until"),
        (["--since", "08/01/2024", "--until", "2024-01-14"], 2, "YYYY-MM-DD"),
        (["--format", "pdf"], 2, "unknown format 'pdf'"),
        (["--breakdown", "weather"], 2, "unknown breakdown 'weather'"),
    ],
)
def test_what_cannot_be_built_is_refused(
    world: World, tmp_path: Path, args: list[str], exit_code: int, message: str
) -> None:
    code, _, err = _report(*args, "-o", str(tmp_path))
    assert code == exit_code and message in err, err
    assert not list(tmp_path.iterdir())


def test_an_unknown_user_is_refused(world: World, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--email", "nobody@example.com", "-o", str(tmp_path)])
    assert result.exit_code == 1 and "no user" in result.stderr
