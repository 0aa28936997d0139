"""The declared frame schemas: every column typed, empty frames complete."""

from __future__ import annotations

import pandas as pd

from explorer.data import schema


def test_empty_frames_have_every_declared_column_and_dtype():
    for name, columns in schema.SCHEMAS.items():
        frame = schema.empty_frame(columns)
        assert list(frame.columns) == [c.name for c in columns], name
        for c in columns:
            assert frame[c.name].dtype == c.pandas_dtype() or str(frame[c.name].dtype) == c.dtype, (name, c.name)


def test_conform_keeps_unknown_category_values():
    raw = pd.DataFrame({"uuid": ["a", "b"], "status": ["available", "frozen"], "allocated_size": [1, None]})
    out = schema.conform(raw, schema.SNAPSHOT_COLUMNS)
    assert list(out["status"].astype(str)) == ["available", "frozen"]
    assert "frozen" in out["status"].cat.categories
    assert str(out["allocated_size"].dtype) == "Int64"
    assert out["allocated_size"].isna().tolist() == [False, True]
    assert str(out["timestamp"].dtype) == schema.UTC_TIME


def test_no_object_columns_anywhere():
    for columns in schema.SCHEMAS.values():
        frame = schema.empty_frame(columns)
        assert not any(str(t) == "object" for t in frame.dtypes)


ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def _check_doc(path):
    text = path.read_text()
    sections = schema.schema_sections(text)
    for name, table in sections.items():
        assert table == schema.schema_markdown(name), f"{path.name}: schema table {name!r} is stale"
    assert schema.update_markdown(text) == text
    return sections


def test_readme_schema_tables_match_the_schemas():
    sections = _check_doc(ROOT / "README.md")
    assert set(sections) == set(schema.SCHEMAS)  # every frame is documented


def test_update_markdown_rerenders_a_stale_table():
    stale = "intro\n<!-- schema:usage -->\n| old |\n<!-- /schema:usage -->\nend"
    fresh = schema.update_markdown(stale)
    assert schema.schema_sections(fresh) == {"usage": schema.schema_markdown("usage")}
    assert fresh.startswith("intro\n") and fresh.endswith("\nend")


def test_every_declared_schema_is_checkable():
    for name, columns in schema.SCHEMAS.items():
        schema.check(schema.empty_frame(columns), columns)
        assert len({c.name for c in columns}) == len(columns), name
