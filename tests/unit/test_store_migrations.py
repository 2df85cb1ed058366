"""Saved databases of every shipped schema migrate to head, data intact, after a backup."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from lever_desktop import paths
from lever_desktop.store import Store, StoreError, migrate, schema

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "db").glob("*.sqlite3"))


def test_there_is_a_fixture_of_the_first_schema():
    assert any(f.name == "0001_cache.sqlite3" for f in FIXTURES)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_saved_database_migrates_to_head_keeping_its_rows(fixture):
    db = paths.database_path()
    shutil.copyfile(fixture, db)
    before = sqlite3.connect(fixture).execute("select version_num from alembic_version").fetchone()[0]
    with Store.open() as store:
        rev = store.call_sync(lambda c: c.exec_driver_sql("select version_num from alembic_version").scalar())
        assert rev == migrate.head_revision()
        opp = store.call_sync(
            lambda c: c.execute(sa.select(schema.opportunities.c.name, schema.opportunities.c.tags)).one()._asdict()
        )
        assert opp == {"name": "Grace Candidate", "tags": ["python"]}
        email = store.call_sync(lambda c: c.execute(sa.select(schema.users.c.email)).scalar())
        assert email == "Ada@Example.com"
        if before != rev:
            assert store.backup_path is not None and store.backup_path.exists()
            saved = sqlite3.connect(store.backup_path)
            assert saved.execute("select version_num from alembic_version").fetchone()[0] == before
            saved.close()
        else:
            assert store.backup_path is None  # nothing to migrate, nothing copied


def test_migrated_schema_matches_the_declared_tables():
    with Store.open():
        pass
    engine = sa.create_engine(f"sqlite:///{paths.database_path()}")
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})

        def declared_only(obj, name, type_, reflected, compare_to):
            # Tables declared in modules this test did not import are checked by their owners.
            return not (type_ == "table" and reflected and name not in schema.metadata.tables)

        ctx.opts["include_object"] = declared_only
        diffs = compare_metadata(ctx, schema.metadata)
    engine.dispose()
    assert diffs == []


def test_a_database_from_a_newer_version_is_refused_untouched():
    db = paths.database_path()
    with Store.open():
        pass
    con = sqlite3.connect(db)
    with con:
        con.execute("update alembic_version set version_num = '9999'")
    con.close()
    with pytest.raises(StoreError, match="newer Lever Desktop"):
        Store.open()
    con = sqlite3.connect(db)
    assert con.execute("select version_num from alembic_version").fetchone()[0] == "9999"
    con.close()


def test_opening_a_cache_already_at_head_does_not_load_alembic(tmp_path):
    """Alembic (with Mako) cost a quarter of a second of every start; it is needed only to migrate."""
    cache = tmp_path / "cache.sqlite3"
    with Store.open(cache):  # created: migrated from nothing, Alembic runs
        pass
    code = (
        "import sys\n"
        "from lever_desktop.store import Store\n"
        f"with Store.open({str(cache)!r}) as store:\n"
        "    assert store.integrity.summary == 'ok'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_head_read_from_the_scripts_is_alembics_head():
    from alembic.script import ScriptDirectory

    assert [migrate.head_revision()] == ScriptDirectory.from_config(migrate.alembic_config()).get_heads()


def test_two_heads_are_still_refused(tmp_path, monkeypatch):
    """Two migrations in flight naming the same parent: Alembic's refusal, not a guess at the newest."""
    versions = tmp_path / "migrations" / "versions"
    shutil.copytree(migrate.MIGRATIONS_DIR, tmp_path / "migrations")
    head = migrate.head_revision()
    (versions / "9998_left.py").write_text(f'revision = "9998"\ndown_revision = "{head}"\n')
    (versions / "9999_right.py").write_text(f'revision = "9999"\ndown_revision = "{head}"\n')
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", tmp_path / "migrations")
    with pytest.raises(StoreError, match="2 heads"):
        migrate.head_revision()


def test_a_next_migration_in_alembics_newer_template_is_read_without_alembic_too(tmp_path):
    """``revision: str = "…"``, as ``alembic revision`` writes now: still no Alembic at an up-to-date start."""
    shutil.copytree(migrate.MIGRATIONS_DIR, tmp_path / "migrations")
    head = migrate.head_revision()
    (tmp_path / "migrations" / "versions" / "9999_next.py").write_text(
        f'from typing import Union\nrevision: str = "9999_next"\ndown_revision: Union[str, None] = "{head}"\n'
    )
    code = (
        "import pathlib, sys\n"
        "from lever_desktop.store import migrate\n"
        f"migrate.MIGRATIONS_DIR = pathlib.Path({str(tmp_path / 'migrations')!r})\n"
        "print(migrate.head_revision(), sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["9999_next", "[]"]
