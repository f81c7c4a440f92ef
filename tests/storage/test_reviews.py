"""Review store on SQLite and PostgreSQL: the second migration of the one chain, save/replace, exact money,
trend per service and month, and a failed save leaving nothing behind."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import event, inspect
from sqlalchemy.exc import OperationalError

from app.storage.db import current_revision, head_revision, make_engine, migrate
from app.storage.reviews import ReviewStore, ReviewStoreError
from pricing.engine import estimate
from review.sources import read_cur
from review.variance import build_review
from sizing.scenario import parse_scenario
from tests.helpers.cur import bill_rows, cur_row, write_cur_csv
from tests.pg import fresh_database_url, pg_url  # noqa: F401  (module fixture: a throwaway PostgreSQL server)

TAGS = {"Project": "ChatApp", "Environment": "prod"}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    url = fresh_database_url(request, tmp_path, request.param, "r")
    eng = make_engine(url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def est():
    return estimate(parse_scenario({"name": "Acme", "concurrent_users": 800}))


def _review(tmp_path, est, month, nat=Decimal(1)):
    rows = list(bill_rows(est, month, scale={"vpc:nat-gateway-gb": nat}))
    rows.append(cur_row(month, "AmazonEC2", "Tax", "1.2345678901", None, line_type="Tax"))
    return build_review(est, read_cur(write_cur_csv(tmp_path / f"{month}.csv", rows), month, TAGS))


def test_one_migration_chain_with_the_scenarios(engine):
    assert current_revision(engine) == head_revision() == "0003_owners_audit"
    assert migrate(engine) == head_revision()              # idempotent
    tables = set(inspect(engine).get_table_names())
    assert {"saved_scenarios", "alembic_version", "monthly_reviews", "monthly_review_services"} <= tables
    assert "alembic_version_reviews" not in tables


def test_save_replace_list_load_and_trend(engine, est, tmp_path):
    store = ReviewStore(engine)
    may = _review(tmp_path, est, "2025-05", nat=Decimal(5))
    june = _review(tmp_path, est, "2025-06")
    store.save(may, est.scenario)
    store.save(june, est.scenario)
    rows = store.list("Acme")
    assert [(r.month, r.flags, r.tier) for r in rows] == [("2025-05", 1, "Medium"), ("2025-06", 0, "Medium")]
    assert rows[0].actual_usd == may.actual_usd            # exact, 10 decimals from the tax line kept
    assert rows[0].actual_usd.as_tuple().exponent == -10
    assert store.load("Acme", "2025-05")["lines"][0]["actual_usd"] == format(may.lines[0].actual_usd, "f")
    assert store.load("Acme", "2025-07") is None
    trend = store.trend("Acme")
    assert {t.month for t in trend} == {"2025-05", "2025-06"}
    nat = [t for t in trend if t.service == "EC2 - Other"]
    nat_line = next(ln.monthly_usd for ln in est.lines if ln.price_key == "vpc:nat-gateway-gb")
    assert nat[0].actual_usd - nat[1].actual_usd == 4 * nat_line
    # the same month again replaces the stored review and its service rows
    store.save(_review(tmp_path, est, "2025-05"), est.scenario)
    assert [(r.month, r.flags) for r in store.list("Acme")] == [("2025-05", 0), ("2025-06", 0)]
    assert len(store.trend("Acme")) == len(trend)


def test_failed_save_leaves_nothing(engine, est, tmp_path):
    store = ReviewStore(engine)
    review = _review(tmp_path, est, "2025-05")

    def fail_services(conn, cursor, statement, params, context, executemany):
        if "monthly_review_services" in statement and statement.lstrip().upper().startswith("INSERT"):
            raise OperationalError(statement, params, RuntimeError("disk full (simulated)"))
    event.listen(engine, "before_cursor_execute", fail_services)
    try:
        with pytest.raises(ReviewStoreError, match="could not save the 2025-05 review of 'Acme'"):
            store.save(review, est.scenario)
    finally:
        event.remove(engine, "before_cursor_execute", fail_services)
    assert store.list() == []
