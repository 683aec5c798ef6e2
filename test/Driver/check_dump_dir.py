#!/usr/bin/env python3
"""Summarizes a `tfc compile --dump-ir-dir=DIR` directory for FileCheck.

  check_dump_dir.py DIR [--min-files N] [--copy-of LABEL=FILE]...
                        [--passes HEADERS]

Prints, one per line:
  files: N                      the number of files
  first: NAME / last: NAME      in numeric order
  at least N files / only N files (fewer than N)          (--min-files)
  bad name: NAME                not NN_<name>.mlir
  duplicate number NN: A, B     two files with one number
  missing number NN             a gap in 00 .. max
  not a pass argument: NAME     a name with characters no pass argument has
                                (e.g. a C++ class name)
  copy of LABEL: NAME           the dump whose text equals FILE  (--copy-of)
  no copy of LABEL
  no file for pass: ARG         (--passes: HEADERS holds the
                                "IR Dump After X (arg)" lines of
                                --mlir-print-ir-after-all; each pass there
                                must have a file whose name mentions its
                                argument, e.g. NN_cse.mlir or a file named
                                after a nested pipeline's passes)
  passes: N                     the number of dumps in HEADERS
"""

import argparse
import os
import re
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--min-files", type=int)
    ap.add_argument("--copy-of", action="append", default=[])
    ap.add_argument("--passes")
    a = ap.parse_args()

    entries = []  # (number, name, file)
    for f in os.listdir(a.dir):
        m = re.fullmatch(r"([0-9]+)_(.+)\.mlir", f)
        if not m:
            print("bad name: %s" % f)
            continue
        entries.append((int(m.group(1)), m.group(2), f))
    entries.sort()
    print("files: %d" % len(entries))
    if entries:
        print("first: %s" % entries[0][2])
        print("last: %s" % entries[-1][2])
    if a.min_files is not None:
        if len(entries) >= a.min_files:
            print("at least %d files" % a.min_files)
        else:
            print("only %d files (fewer than %d)" % (len(entries), a.min_files))

    by_number = {}
    for n, _, f in entries:
        by_number.setdefault(n, []).append(f)
    for n in sorted(by_number):
        if len(by_number[n]) > 1:
            print("duplicate number %02d: %s" % (n, ", ".join(by_number[n])))
    if entries:
        for n in range(entries[-1][0] + 1):
            if n not in by_number:
                print("missing number %02d" % n)
    for _, name, f in entries:
        if not re.fullmatch(r"[A-Za-z0-9_.,()=-]+", name):
            print("not a pass argument: %s" % f)

    for spec in a.copy_of:
        label, path = spec.split("=", 1)
        with open(path, "rb") as fh:
            want = fh.read()
        found = [f for _, _, f in entries
                 if open(os.path.join(a.dir, f), "rb").read() == want]
        if found:
            print("copy of %s: %s" % (label, ", ".join(found)))
        else:
            print("no copy of %s" % label)

    if a.passes:
        args = []
        with open(a.passes) as fh:
            for line in fh:
                m = re.search(r"IR Dump After \S+ \(([^()]+)\)", line)
                if m:
                    args.append(m.group(1))
        names = [name for n, name, _ in entries if n > 0]
        for arg in sorted(set(args)):
            pattern = re.compile(r"(^|[^a-z0-9-])%s($|[^a-z0-9-])" %
                                 re.escape(arg))
            if not any(pattern.search(name) for name in names):
                print("no file for pass: %s" % arg)
        print("passes: %d" % len(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
