"""The cross-validated extraction figure: folds by outlet, a choice scored where it was not made."""

from __future__ import annotations

import pytest
from extraction_folds import chosen_on_the_other_folds, f1_of, folds_by_outlet, variant_figures


def page(score: float) -> dict:
    return {"precision": score, "recall": score, "f1": score, "text": "some words"}


URLS = {
    "a1": "https://www.herald.example/one", "a2": "https://herald.example/two", "a3": "https://herald.example/3",
    "b1": "https://gazette.example/x", "b2": "https://gazette.example/y",
    "c1": "https://courier.example/p", "d1": "https://post.example/q", "e1": "https://times.example/r",
    "f1": "https://daily.example/s", "g1": "https://weekly.example/t",
}


def test_no_outlet_is_in_two_folds_and_the_folds_are_as_even_as_the_outlets_allow():
    groups = folds_by_outlet(URLS, folds=5)
    assert sorted(page for group in groups for page in group) == sorted(URLS)
    herald = next(group for group in groups if "a1" in group)
    assert {"a1", "a2", "a3"} <= set(herald)  # www. or not, one outlet
    assert "b2" in next(group for group in groups if "b1" in group)
    assert max(map(len, groups)) - min(map(len, groups)) <= 3  # the largest outlet's size
    assert folds_by_outlet(dict(reversed(URLS.items())), folds=5) == groups  # the same split, whatever the order


def test_a_page_without_a_prediction_counts_in_recall_not_in_precision():
    empty = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "text": ""}
    assert f1_of([page(1.0), empty]) == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_the_variant_chosen_for_a_fold_is_the_best_on_the_others_and_scored_on_that_fold():
    urls = {"x1": "https://tuned.example/1", "x2": "https://tuned.example/2",
            "y1": "https://other.example/1", "y2": "https://another.example/2"}
    groups = folds_by_outlet(urls, folds=2)
    assert groups == [["x1", "x2"], ["y1", "y2"]]
    variants = {"tuned": {"x1": page(1.0), "x2": page(1.0), "y1": page(0.5), "y2": page(0.5)},
                "steady": {"x1": page(0.8), "x2": page(0.8), "y1": page(0.8), "y2": page(0.8)}}
    picks = chosen_on_the_other_folds(variants, groups)
    assert picks == [("steady", pytest.approx(0.8)), ("tuned", pytest.approx(0.5))]
    tuned = variant_figures(variants["tuned"], groups)
    assert tuned["whole"] == pytest.approx(0.75) and tuned["worst"] == pytest.approx(0.5)
    assert tuned["under_0.8"] == 2 and tuned["under_0.5"] == 0


def test_fewer_outlets_than_folds_is_one_line_not_a_fold_scored_zero(tmp_path, capsys):
    import json

    from extraction_folds import main

    truth = tmp_path / "truth.json"
    truth.write_text(json.dumps({"a": {"url": "https://one.example/a"}, "b": {"url": "https://two.example/b"}}))
    results = tmp_path / "variant.json"
    results.write_text(json.dumps({"pages": {"a": page(0.9), "b": page(0.9)}}))
    with pytest.raises(SystemExit) as exit:
        main(["--truth", str(truth), str(results), "--folds", "5"])
    assert exit.value.code == 2 and "fewer outlets than --folds 5" in capsys.readouterr().err


def test_an_outlet_is_its_registered_domain():
    from extraction_folds import outlet

    assert outlet("https://edition.cnn.com/x") == outlet("https://www.cnn.com/y") == "cnn.com"
    assert outlet("https://www.express.co.uk/news") == "express.co.uk"
    assert outlet("https://www.autoracing.com.br/a") == "autoracing.com.br"


def test_a_variant_that_changes_only_one_fold_is_not_chosen_for_that_fold():
    """Held out, that fold sees the rule tie with things as they are on the others, and a
    tie keeps things as they are: the rule's gain there is not counted."""
    urls = {"x1": "https://one.example/1", "y1": "https://two.example/1"}
    groups = folds_by_outlet(urls, folds=2)
    assert groups == [["x1"], ["y1"]]
    variants = {"as-is": {"x1": page(0.3), "y1": page(0.9)}, "rule": {"x1": page(0.9), "y1": page(0.9)}}
    assert chosen_on_the_other_folds(variants, groups) == [("as-is", pytest.approx(0.3)), ("rule", pytest.approx(0.9))]
