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
