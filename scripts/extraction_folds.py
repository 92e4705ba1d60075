#!/usr/bin/env python3
"""Cross-validated extraction figures: how a rule will do on pages it was not tuned on.

    extraction_folds.py --truth truth.json RESULTS.json [RESULTS.json ...] [--folds 5]

Each RESULTS.json is what the benchmark's scorer writes with `--json` (every
page's precision, recall and text) for one variant of the converter: the
same pages, one rule or setting changed. The pages are split into folds by
outlet (the host of each page's URL in truth.json), so no outlet is in two
folds: a rule that learned one outlet's layout is scored on outlets it
never saw.

For one variant, the table gives the whole-set F1, each fold's F1 (the
scorer's own aggregate: precision averaged over pages with a prediction,
recall over all), their mean and the worst, and the pages under 0.5 and
under 0.8. Given several variants (the first: things as they are), it also
picks, for each fold, the variant with the best F1 on the other folds (on a
tie, the earlier one) and scores that pick on the fold held out: the mean
of those is the cross-validated figure of "choose the best variant", the
number to compare with keeping things as they are.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from urllib.parse import urlsplit

_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"}  # co.uk, com.br: under a country


def outlet(url: str) -> str:
    """The site a page is from: its registered domain (edition.cnn.com and cnn.com are one;
    express.co.uk is not co.uk)."""
    labels = (urlsplit(url).hostname or url).split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def folds_by_outlet(urls: dict[str, str], folds: int = 5) -> list[list[str]]:
    """Page ids in `folds` groups, each outlet whole in one, the groups as even as
    the outlets allow: the largest outlets first, each into the smallest group."""
    by_outlet: dict[str, list[str]] = {}
    for page, url in sorted(urls.items()):
        by_outlet.setdefault(outlet(url), []).append(page)
    groups: list[list[str]] = [[] for _ in range(folds)]
    for name in sorted(by_outlet, key=lambda name: (-len(by_outlet[name]), name)):
        smallest = min(range(folds), key=lambda index: (len(groups[index]), index))
        groups[smallest] += by_outlet[name]
    return [sorted(group) for group in groups]


def f1_of(pages: list[dict]) -> float:
    """The scorer's aggregate over these pages."""
    predicted = [page["precision"] for page in pages if page.get("text")]
    precision = statistics.mean(predicted) if predicted else 0.0
    recall = statistics.mean(page["recall"] for page in pages) if pages else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def f1_on(records: dict[str, dict], pages: list[str]) -> float:
    return f1_of([records[page] for page in pages if page in records])


def variant_figures(records: dict[str, dict], groups: list[list[str]]) -> dict:
    per_fold = [f1_on(records, group) for group in groups]
    scores = [record["f1"] for record in records.values()]
    return {"whole": f1_of(list(records.values())), "folds": per_fold, "mean": statistics.mean(per_fold),
            "worst": min(per_fold), "under_0.5": sum(score < 0.5 for score in scores),
            "under_0.8": sum(score < 0.8 for score in scores)}


def chosen_on_the_other_folds(variants: dict[str, dict[str, dict]], groups: list[list[str]]) -> list[tuple]:
    """For each fold: the variant best on the other folds, and its F1 on this one."""
    picks = []
    for index, held_out in enumerate(groups):
        rest = [page for other, group in enumerate(groups) if other != index for page in group]
        on_the_rest = {name: f1_on(records, rest) for name, records in variants.items()}
        best = max(variants, key=on_the_rest.__getitem__)  # a tie keeps the first given: things as they are
        picks.append((best, f1_on(variants[best], held_out)))
    return picks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="+", type=Path, help="the scorer's --json output, one per variant")
    parser.add_argument("--truth", required=True, type=Path, help="truth.json: the pages' URLs give their outlets")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    variants = {path.stem: json.loads(path.read_text(encoding="utf-8"))["pages"] for path in args.results}
    pages = set.intersection(*(set(records) for records in variants.values()))
    urls = {page: truth.get(page, {}).get("url", page) for page in pages}
    if len({outlet(url) for url in urls.values()}) < args.folds:
        parser.error(f"fewer outlets than --folds {args.folds}: every fold needs pages")
    groups = folds_by_outlet(urls, args.folds)
    print(f"{len(pages)} pages, {args.folds} folds by outlet of {', '.join(str(len(g)) for g in groups)} pages")
    print("| variant | whole set | folds | mean | worst | under 0.5 | under 0.8 |")
    print("|---|---|---|---|---|---|---|")
    for name, records in variants.items():
        figures = variant_figures({page: records[page] for page in pages}, groups)
        folds = " ".join(f"{value:.3f}" for value in figures["folds"])
        print(f"| {name} | {figures['whole']:.3f} | {folds} | {figures['mean']:.3f} | {figures['worst']:.3f} "
              f"| {figures['under_0.5']} | {figures['under_0.8']} |")
    if len(variants) > 1:
        picks = chosen_on_the_other_folds(variants, groups)
        print("chosen on the other folds: " + ", ".join(f"{name} {score:.3f}" for name, score in picks)
              + f"; cross-validated F1 {statistics.mean(score for _, score in picks):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
