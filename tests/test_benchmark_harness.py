"""Smoke test of benchmarks/bench_classical.py in its tiny mode (run as a script)."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_classical.py"

SUMMARY_COLUMNS = [
    "dataset",
    "model",
    "metric",
    "mean",
    "std",
    "n_runs",
    "fit_s",
    "refit_s",
    "predict_s",
    "peak_mb",
    "n_candidates",
    "best_params",
]
SCORES_COLUMNS = [
    "dataset",
    "model",
    "split",
    "fit_s",
    "refit_s",
    "predict_s",
    "peak_mb",
    "n_candidates",
    "best_params",
    "metric",
    "value",
]


@pytest.mark.slow
def test_tiny_run_writes_tables_and_plots(tmp_path):
    if not HARNESS.exists():
        pytest.skip("benchmarks/ is not part of this checkout")
    completed = subprocess.run(
        [sys.executable, str(HARNESS), "--tiny", "--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    for name in ["results.md", "summary.csv", "scores.csv"]:
        assert (tmp_path / name).stat().st_size > 0
    for name in ["scores.png", "score_vs_time.png"]:
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"

    with open(tmp_path / "summary.csv", newline="") as f:
        summary = list(csv.DictReader(f))
    assert list(summary[0]) == SUMMARY_COLUMNS
    rows = {(r["dataset"], r["model"], r["metric"]): r for r in summary}
    expected_models = {
        "computer_survey": [
            "dummy",
            "linear",
            "pooled_ridge",
            "pooled_ridge_task",
            "random_forest",
            "hist_gradient_boosting",
            "mlp",
            "mtft",
            "mtft_task_input",
        ],
        "yeast": [
            "dummy",
            "linear",
            "random_forest",
            "hist_gradient_boosting",
            "mlp",
            "multioutput_logistic",
            "classifier_chain",
            "mtft",
        ],
    }
    headline = {"computer_survey": "rmse", "yeast": "hamming_loss"}
    for dataset, models in expected_models.items():
        for model in models:
            row = rows[(dataset, model, headline[dataset])]
            assert float(row["fit_s"]) >= 0
            assert int(row["n_candidates"]) == 1  # tiny mode: 1 candidate each
    for metric in ["micro_f1", "macro_f1"]:
        assert ("yeast", "mtft", metric) in rows
    hamming = float(rows[("yeast", "dummy", "hamming_loss")]["mean"])
    assert 0 < hamming < 1

    with open(tmp_path / "scores.csv", newline="") as f:
        scores = list(csv.DictReader(f))
    assert list(scores[0]) == SCORES_COLUMNS
    assert any(r["metric"].startswith("task:f1_") for r in scores)

    markdown = (tmp_path / "results.md").read_text()
    assert "## computer_survey" in markdown and "## yeast" in markdown
    assert "| model | rmse |" in markdown
    assert "Published / reference numbers" in markdown
    assert "Machine:" in markdown
