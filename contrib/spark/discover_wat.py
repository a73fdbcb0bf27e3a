#!/usr/bin/env python3
"""Run `backlinks discover wat` over a whole Common Crawl crawl on Apache Spark.

The pattern of Common Crawl's cc-pyspark: the list of WAT files becomes an RDD, each task
pipes its share of the paths through the `backlinks` binary (`discover wat --paths-from -
--format jsonl`), and the driver merges the rows: one per (referring page, target URL), the
earliest capture (then crawl, file and offset), sorted. That is the rule the single-machine
command applies, so both give the same CSV, which `backlinks audit --from` reads.

    discover_wat.py [--master URL] [--partitions N] [--backlinks PATH] [--ship]
                    [--prefix URL] TARGET PATHS OUTPUT.csv

PATHS is a file of WAT paths or URLs, one per line (Common Crawl's `wat.paths`, plain or
.gz); paths starting with `crawl-data/` get --prefix (https://data.commoncrawl.org/). The
merged counts of every task (records read, malformed JSON, truncated members...) are printed
as JSON on standard output. A task whose `backlinks` run fails fails the job (after Spark's own
task retries): a result is never built from part of the crawl without saying so.
"""

import argparse
import csv
import gzip
import json
import os
import stat
import subprocess
import sys

# The CSV of `backlinks discover wat`, column for column.
HEADER = [
    "source_url",
    "target_url",
    "anchor_text",
    "rel",
    "captured_at",
    "crawl",
    "wat_file",
    "wat_record_offset",
]


def read_paths(path, prefix):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        lines = [l.strip() for l in f]
    paths = [l for l in lines if l and not l.startswith("#")]
    return [prefix + p if p.startswith("crawl-data/") else p for p in paths]


def precedence(row):
    """Which of two rows of one (page, target URL) is kept: the earliest capture."""
    return (row["captured_at"], row["crawl"], row["wat_file"], row["wat_record_offset"])


def earliest(a, b):
    return a if precedence(a) <= precedence(b) else b


def csv_cell(text):
    """Neutralises a cell a spreadsheet would run as a formula, as backlinks does."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def add_counts(total, counts):
    for k, v in counts.items():
        total[k] = total.get(k, 0) + v
    return total


def make_scan(target, binary, shipped):
    def scan(paths):
        paths = list(paths)
        if not paths:
            return
        exe = binary
        if shipped:
            from pyspark import SparkFiles

            exe = SparkFiles.get(os.path.basename(binary))
            mode = os.stat(exe).st_mode
            os.chmod(exe, mode | stat.S_IXUSR)
        cmd = [exe, "discover", "wat", target, "--paths-from", "-"]
        cmd += ["--format", "jsonl", "--no-progress", "--jobs", "1"]
        proc = subprocess.run(
            cmd,
            input="\n".join(paths) + "\n",
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise RuntimeError(
                "backlinks discover wat exited with %d on %d files (first %s): %s"
                % (proc.returncode, len(paths), paths[0], proc.stderr.strip())
            )
        for line in proc.stdout.splitlines():
            if line.strip():
                yield json.loads(line)

    return scan


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("target", help="the site (domain or URL)")
    p.add_argument("paths", help="file of WAT paths or URLs, one per line (plain or .gz)")
    p.add_argument("output", help="where to write the merged CSV")
    p.add_argument("--master", help="Spark master (default: spark-submit's)")
    p.add_argument(
        "--partitions", type=int, default=0, help="tasks (default: one per WAT file)"
    )
    p.add_argument(
        "--backlinks",
        default="backlinks",
        help="the backlinks binary on the executors (default: `backlinks` on PATH)",
    )
    p.add_argument(
        "--ship",
        action="store_true",
        help="send the --backlinks binary to the executors with the job",
    )
    p.add_argument("--prefix", default="https://data.commoncrawl.org/")
    args = p.parse_args(argv)

    from pyspark import SparkConf, SparkContext

    conf = SparkConf().setAppName("backlinks-discover-wat")
    if args.master:
        conf = conf.setMaster(args.master)
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    try:
        paths = read_paths(args.paths, args.prefix)
        if not paths:
            sys.exit("no WAT paths in %s" % args.paths)
        if args.ship:
            sc.addFile(args.backlinks)
        # Never more tasks than files: a task without files has nothing to run.
        n = min(args.partitions or len(paths), len(paths))
        rows = (
            sc.parallelize(paths, n)
            .mapPartitions(make_scan(args.target, args.backlinks, args.ship))
            .cache()
        )
        counts = (
            rows.filter(lambda r: "summary" in r)
            .map(lambda r: r["summary"])
            .fold({}, add_counts)
        )
        links = (
            rows.filter(lambda r: "summary" not in r)
            .map(lambda r: ((r["source_url"], r["target_url"]), r))
            .reduceByKey(earliest)
            .sortByKey()
            .values()
            .collect()
        )
    finally:
        sc.stop()

    tmp = args.output + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for r in links:
            w.writerow(
                [
                    r["source_url"],
                    r["target_url"],
                    csv_cell(r["anchor_text"]),
                    " ".join(r["rel"]),
                    r["captured_at"],
                    r["crawl"],
                    r["wat_file"],
                    str(r["wat_record_offset"]),
                ]
            )
    os.replace(tmp, args.output)
    counts["links_written"] = len(links)
    print(json.dumps(counts, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])
