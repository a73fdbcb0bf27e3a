"""Shared helpers of the placement scripts: the domain split and label alignment."""
import hashlib
import importlib.util
import json
import os
from collections import defaultdict
from urllib.parse import urlsplit

# Second-level labels under which registrations sit one level deeper (example.co.uk).
SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go", "gob", "nic", "mil"}

HELD_OUT_PERCENT = 20


def registrable_domain(url):
    """The registrable domain of a URL, approximately (eTLD+1 without a suffix list)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    parts = host.split(".")
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in SECOND_LEVEL:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def bucket(domain):
    """A stable bucket 0-99 of a domain: the split never depends on the order of pages."""
    return int(hashlib.sha256(domain.encode()).hexdigest()[:8], 16) % 100


def is_held_out(domain):
    return bucket(domain) < HELD_OUT_PERCENT


FOLDS = 4


def fold_of(domain):
    """The cross-validation fold of a domain outside the held-out part."""
    return int(hashlib.md5(domain.encode()).hexdigest()[:6], 16) % FOLDS


def load_evaluator(path):
    """evaluate.py as a module, so that training aligns links exactly as the evaluation does."""
    spec = importlib.util.spec_from_file_location("evaluate", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load_set(set_dir):
    """(urls, page types, labels per page) of a labelled set."""
    urls = json.load(open(os.path.join(set_dir, "pages.json")))
    tp = os.path.join(set_dir, "page-types.json")
    types = json.load(open(tp)) if os.path.exists(tp) else {}
    labels = defaultdict(list)
    for line in open(os.path.join(set_dir, "labels.jsonl")):
        r = json.loads(line)
        labels[r["page"]].append(r)
    return urls, types, labels
