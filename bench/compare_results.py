"""The results file both comparison scripts write: one line per run, its label (a mode or a revision), a tab, and the
benchmark's JSON line. Loaded by their reports."""
import json


def load(path):
    """Each label's runs, in the order they ran."""
    by = {}
    for line in open(path):
        label, js = line.rstrip("\n").split("\t", 1)
        by.setdefault(label, []).append(json.loads(js))
    return by
