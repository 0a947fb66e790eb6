"""The demo seeds two orders on L/C at sight: one clean set, one with three discrepancies."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import CreditExamination, LetterOfCredit


def test_the_demo_has_a_clean_credit_and_one_with_three_discrepancies(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    credits = db.session.scalars(select(LetterOfCredit).order_by(LetterOfCredit.id)).all()
    assert len(credits) == 2
    checks = [
        db.session.scalars(
            select(CreditExamination).where(CreditExamination.credit_id == credit.id)
        ).one()
        for credit in credits
    ]
    assert [sorted(f["rule"] for f in check.findings) for check in checks] == [
        [],
        ["ISBP-E-CONSIGNEE", "UCP18b-AMOUNT", "UCP20-SHIPDATE"],
    ]
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert len(db.session.scalars(select(LetterOfCredit)).all()) == 2
