#!/usr/bin/env python3
"""Builds the held-out part of a labelled set as a set directory of its own (symlinked pages,
filtered pages.json / page-types.json / labels.jsonl), for evaluate.py.

usage: heldout_set.py SET_DIR OUT_DIR [--complement | --tuning-fold K]

--complement builds the other part (the domains used for training and tuning) instead;
--tuning-fold K only the domains of cross-validation fold K of that part (train.py
--tuning-fold K leaves them out of the model, so the rules around it can be tuned there).
"""
import argparse
import json
import os

from common import fold_of, is_held_out, registrable_domain


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set")
    ap.add_argument("out")
    ap.add_argument("--complement", action="store_true")
    ap.add_argument("--tuning-fold", type=int)
    a = ap.parse_args()
    src = os.path.abspath(a.set)
    urls = json.load(open(os.path.join(src, "pages.json")))
    if a.tuning_fold is not None:
        keep = {p for p, u in urls.items() if not is_held_out(registrable_domain(u))
                and fold_of(registrable_domain(u)) == a.tuning_fold}
    else:
        keep = {p for p, u in urls.items() if is_held_out(registrable_domain(u)) != a.complement}
    os.makedirs(os.path.join(a.out, "pages"), exist_ok=True)
    for name in os.listdir(os.path.join(src, "pages")):
        page = name.split(".")[0]
        dst = os.path.join(a.out, "pages", name)
        if page in keep and not os.path.lexists(dst):
            os.symlink(os.path.join(src, "pages", name), dst)
    json.dump({p: u for p, u in urls.items() if p in keep}, open(os.path.join(a.out, "pages.json"), "w"))
    tp = os.path.join(src, "page-types.json")
    if os.path.exists(tp):
        types = json.load(open(tp))
        json.dump({p: t for p, t in types.items() if p in keep}, open(os.path.join(a.out, "page-types.json"), "w"))
    with open(os.path.join(a.out, "labels.jsonl"), "w") as out:
        for line in open(os.path.join(src, "labels.jsonl")):
            if json.loads(line)["page"] in keep:
                out.write(line)
    print("%d of %d pages" % (len(keep), len(urls)))


if __name__ == "__main__":
    main()
