"""Results written to Parquet batch by batch: the values of one whole write, with min/max
statistics for the plain columns only (the categorical ones cost more than they help)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import selectlib
from selectlib.io import read_table, sample_data_dir, write_table
from selectlib.io.batch_write import ParquetWriter

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    sample = read_table(sample_data_dir() / "applicants.csv")
    profile = selectlib.load_profile(FLAGSHIP)
    return profile.evaluate_many(sample, on=ON, explain=True)


def test_batches_hold_the_values_of_one_write(results: pd.DataFrame, tmp_path: Path) -> None:
    streamed = tmp_path / "streamed.parquet"
    writer = ParquetWriter(streamed)
    for start in range(0, len(results), 15):
        writer.write(results.iloc[start : start + 15])
    writer.close()
    whole = write_table(results, tmp_path / "whole.parquet")
    got, expected = pd.read_parquet(streamed), pd.read_parquet(whole)
    assert pq.ParquetFile(streamed).metadata.num_row_groups == 3
    pd.testing.assert_frame_equal(
        got, expected, check_categorical=False, check_dtype=False, check_exact=True
    )
    for name in expected.columns:
        assert got[name].astype(object).tolist() == expected[name].astype(object).tolist()


def test_statistics_are_kept_for_the_plain_columns(results: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    writer = ParquetWriter(path)
    writer.write(results)
    writer.close()
    group = pq.ParquetFile(path).metadata.row_group(0)
    has_stats = {
        group.column(i).path_in_schema: group.column(i).is_stats_set
        for i in range(group.num_columns)
    }
    categorical = {
        name for name in results.columns if isinstance(results[name].dtype, pd.CategoricalDtype)
    }
    assert {"outcome", "reasons_en", "cluster_size"} <= categorical
    assert has_stats["applicant_id"]
    assert has_stats["cluster_size.value"]
    assert not any(has_stats[name] for name in categorical)
    assert all(has_stats[name] for name in has_stats if name not in categorical)
