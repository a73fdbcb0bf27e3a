#!/usr/bin/env python3
"""Trains the placement model (content versus not) and writes the model file the binary embeds.

usage: train.py --evaluator PATH --set DIR DUMP [--set DIR DUMP ...] [--out MODEL.json]
                [--cv-only] [--report REPORT.json]

Each --set is a labelled set (pages.json, labels.jsonl, optional page-types.json) with its
feature dump (`cargo run --release --example placement_features -- DIR DUMP`). Links are
aligned to their labels with the evaluator's own `align`, so training sees the links the
evaluation scores. Pages are split by registrable domain (common.is_held_out): the held-out
domains are never read here, not even for a figure. The rest is tuned with grouped
cross-validation by domain, then one model is trained on all of it.

The model file holds the trees as flat arrays (see src/extract/placement/model.rs), the
probability threshold, the feature names, a version and the SHA-256 of the dumps.
"""
import argparse
import hashlib
import json
import sys
from collections import defaultdict

import lightgbm as lgb
import numpy as np

from common import FOLDS, fold_of, is_held_out, load_evaluator, load_set, registrable_domain

VERSION = "2"
PARAMS = dict(
    objective="binary",
    learning_rate=0.05,
    num_leaves=31,
    min_data_in_leaf=40,
    feature_fraction=0.8,
    bagging_fraction=0.8,
    bagging_freq=1,
    lambda_l2=1.0,
    use_missing=False,
    verbose=-1,
    num_threads=2,
    seed=7,
    deterministic=True,
)
ROUNDS = 300
# Exponent of the page-type balancing weights (0: none, 1: every type weighs the same).
BALANCE = 0.5
# Prefer precision: the threshold maximises F-beta with beta < 1 on out-of-fold predictions.
BETA = 0.8


def read_dump(path):
    names, rows = None, defaultdict(list)
    for line in open(path):
        r = json.loads(line)
        if "features" in r:
            names = r["features"]
        elif "x" in r:
            rows[r["page"]].append(r)
    return names, rows


def collect(evaluate, sets):
    """Rows (X, y, page type, domain group, page key) of every aligned, scored link outside
    the held-out domains."""
    X, y, kinds, groups, pages = [], [], [], [], []
    names = None
    for set_dir, dump in sets:
        urls, types, labels = load_set(set_dir)
        n, rows = read_dump(dump)
        assert names is None or names == n, "dumps of different feature sets"
        names = n
        for page in sorted(labels):
            dom = registrable_domain(urls[page])
            if is_held_out(dom):
                continue
            got = rows.get(page, [])
            want = labels[page]
            for i, j in evaluate.align(want, got):
                lab = want[i]["label"]
                if lab not in ("content", "boilerplate"):
                    continue
                X.append(got[j]["x"])
                y.append(lab == "content")
                kinds.append(types.get(page, "readability"))
                groups.append(dom)
                pages.append(set_dir + "/" + page)
    return names, np.asarray(X, dtype=np.float32), np.asarray(y), np.asarray(kinds), np.asarray(groups), pages


def weights(kinds):
    """Balances page types (square root): a 791-article set must not drown the 94 listings."""
    count = defaultdict(int)
    for k in kinds:
        count[k] += 1
    mean = len(kinds) / len(count)
    return np.asarray([(mean / count[k]) ** BALANCE for k in kinds])


def folds(groups):
    """Fold of each row: by a hash of its domain, so a site never spans folds."""
    return np.asarray([fold_of(g) for g in groups])


def f1s(pred, y, kinds):
    out = {}
    for k in sorted(set(kinds)):
        m = kinds == k
        tp = int((pred & y & m).sum())
        fp = int((pred & ~y & m).sum())
        fn = int((~pred & y & m).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[k] = 2 * p * r / (p + r) if p + r else 0.0
    tp = int((pred & y).sum())
    fp = int((pred & ~y).sum())
    fn = int((~pred & y).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    wcxb = [v for k, v in out.items() if k != "readability"]
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "macro": sum(wcxb) / max(1, len(wcxb)), "by_type": out}


def pick_threshold(prob, y, kinds):
    """The threshold that maximises the mean of macro F1 over page types and F-beta overall."""
    best = (-1, 0.5)
    for t in np.arange(0.05, 0.91, 0.01):
        pred = prob >= t
        s = f1s(pred, y, kinds)
        p, r = s["precision"], s["recall"]
        fb = (1 + BETA ** 2) * p * r / (BETA ** 2 * p + r) if p + r else 0.0
        score = (s["macro"] + fb) / 2
        if score > best[0]:
            best = (score, float(t))
    return best[1]


def flatten(tree):
    """A LightGBM tree (dump_model) as the flat arrays of the model file."""
    feat, thr, left, right, value, leaves = [], [], [], [], [], []

    def walk(node):
        if "leaf_value" in node:
            leaves.append(round(node["leaf_value"], 6))
            return ~(len(leaves) - 1)
        assert node["decision_type"] == "<=", node["decision_type"]
        i = len(feat)
        feat.append(node["split_feature"])
        thr.append(float(node["threshold"]))
        value.append(round(node["internal_value"], 6))
        left.append(0)
        right.append(0)
        left[i] = walk(node["left_child"])
        right[i] = walk(node["right_child"])
        return i

    root = tree["tree_structure"]
    if "leaf_value" in root:
        return {"feature": [], "threshold": [], "left": [], "right": [], "value": [],
                "leaf": [round(root["leaf_value"], 6)]}
    walk(root)
    return {"feature": feat, "threshold": thr, "left": left, "right": right, "value": value, "leaf": leaves}


def predict_flat(trees, X):
    """The model file's trees evaluated as the Rust code does (a check of the export)."""
    out = np.zeros(len(X))
    for t in trees:
        for n, x in enumerate(X):
            if not t["feature"]:
                out[n] += t["leaf"][0]
                continue
            i = 0
            while True:
                go = t["left"][i] if float(x[t["feature"][i]]) <= t["threshold"][i] else t["right"][i]
                if go < 0:
                    out[n] += t["leaf"][~go]
                    break
                i = go
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evaluator", required=True, help="path of evaluate.py (its align is used)")
    ap.add_argument("--set", nargs=2, action="append", metavar=("DIR", "DUMP"), required=True)
    ap.add_argument("--out", default="src/extract/placement/model.json")
    ap.add_argument("--report", help="write the cross-validation figures here")
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--tuning-fold", type=int, help="leave this CV fold's domains out of the final model, "
                    "to tune the rules around the model on them (heldout_set.py --tuning-fold)")
    ap.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                    help="override a LightGBM parameter (or rounds=, balance=) to compare in CV")
    a = ap.parse_args()
    global ROUNDS, BALANCE
    for kv in a.param:
        k, v = kv.split("=", 1)
        v = type(PARAMS.get(k, 0.0))(float(v)) if k not in ("objective",) else v
        if k == "rounds":
            ROUNDS = int(v)
        elif k == "balance":
            BALANCE = float(v)
        else:
            PARAMS[k] = v
    evaluate = load_evaluator(a.evaluator)
    names, X, y, kinds, groups, pages = collect(evaluate, a.set)
    w = weights(kinds)
    print("rows %d (content %d), pages %d, domains %d" % (len(y), y.sum(), len(set(pages)), len(set(groups))),
          file=sys.stderr)
    fold = folds(groups)
    oof = np.zeros(len(y))
    for k in range(FOLDS):
        tr, te = fold != k, fold == k
        b = lgb.train(PARAMS, lgb.Dataset(X[tr], y[tr], weight=w[tr], feature_name=names), ROUNDS)
        oof[te] = b.predict(X[te])
    t = pick_threshold(oof, y, kinds)
    cv = f1s(oof >= t, y, kinds)
    cv["threshold"] = t
    print("grouped CV (dev, not held-out): threshold %.2f  P %.3f R %.3f F1 %.3f macro %.3f  %s" % (
        t, cv["precision"], cv["recall"], cv["f1"], cv["macro"],
        "  ".join("%s %.3f" % kv for kv in cv["by_type"].items())), file=sys.stderr)
    if a.report:
        json.dump(cv, open(a.report, "w"), indent=1)
    if a.cv_only:
        return
    keep = np.ones(len(y), dtype=bool) if a.tuning_fold is None else fold != a.tuning_fold
    b = lgb.train(PARAMS, lgb.Dataset(X[keep], y[keep], weight=w[keep], feature_name=names), ROUNDS)
    dump = b.dump_model()
    trees = [flatten(tr) for tr in dump["tree_info"]]
    sample = X[:: max(1, len(X) // 2000)]
    diff = np.abs(predict_flat(trees, sample) - b.predict(sample, raw_score=True)).max()
    assert diff < 1e-3, "exported trees disagree with LightGBM by %g" % diff
    sha = hashlib.sha256()
    for _, d in a.set:
        sha.update(open(d, "rb").read())
    imp = sorted(zip(b.feature_importance("gain"), names), reverse=True)
    model = {
        "version": VERSION,
        "data_sha256": sha.hexdigest(),
        "trained_on": {"rows": int(len(y)), "pages": len(set(pages)), "domains": len(set(groups)),
                       "params": {k: v for k, v in PARAMS.items() if k not in ("verbose", "num_threads")},
                       "rounds": ROUNDS, "cv": cv,
                       "top_features": [n for _, n in imp[:15]]},
        "features": names,
        "threshold": t,
        "trees": trees,
    }
    with open(a.out, "w") as f:
        json.dump(model, f, separators=(",", ":"))
    print("wrote %s (%d trees)" % (a.out, len(trees)), file=sys.stderr)


if __name__ == "__main__":
    main()
