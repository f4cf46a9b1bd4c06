#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fit the fingerprint score model to NIST NFIQ 2 scores.

    fit_finger.py FEATURES.csv OUT_model_params.c [--fit-set OUT.txt] [--trees N] ...
    fit_finger.py --cv FEATURES.csv - [--assignments K] [--trees N] [--rate R] [--min-leaf M]

FEATURES.csv is written by tests/eval/finger_eval (one row per image of
../shared/data/fingerprints/labels.csv: file,key,fit,nfiq2,...,features).
Every row is fitted on (the column "fit" is informative only); --fit-set
writes the finger keys fitted on, one per line, so that finger_eval can
report on the prints of fingers the model has not seen (another labelled set,
such as the held-back part of the data). The estimate of how the model does
on unseen fingers is the cross-validation: 5 folds by finger, every print
predicted by a model fitted without its finger, over the official fold
assignment (fingers in key order, every fifth to a fold) and K-1 shuffled
ones (--assignments). The model is gradient boosting (least squares) of regression
trees of depth 2 (each on a random 60% of the rows, fixed seed) on the raw
features, fitted to the NFIQ 2 unified score, --bags times with different seeds
and averaged,
then a monotone calibration (quantile mapping of 5-fold out-of-fold
predictions onto the NFIQ 2 scores);
plain Python 3, no packages, deterministic. The trees are written as the C
table userspace/finger/model_params.c.
"""
import argparse
import csv
import random
import sys

FIRST_FEATURE = 7  # columns before: file,key,fit,nfiq2,nfiq2_ms,ms,score
MIN_LEAF = 2
THRESHOLD = 30  # NFIQ 2 enrolment threshold, BIOUNIT_FINGER_THRESHOLD_DEFAULT


def best_split(X, y, idx, order):
    """Best (sse_gain, feature, threshold) over the rows idx."""
    inset = set(idx)
    n = len(idx)
    tot = sum(y[i] for i in idx)
    tot2 = sum(y[i] * y[i] for i in idx)
    base = tot2 - tot * tot / n
    best = (0.0, None, None)
    for f, srt in enumerate(order):
        rows = [i for i in srt if i in inset]
        s = 0.0
        s2 = 0.0
        for k in range(n - 1):
            v = y[rows[k]]
            s += v
            s2 += v * v
            a, b = X[rows[k]][f], X[rows[k + 1]][f]
            if a == b or k + 1 < MIN_LEAF or n - k - 1 < MIN_LEAF:
                continue
            nl, nr = k + 1, n - k - 1
            sr = tot - s
            sse = (s2 - s * s / nl) + ((tot2 - s2) - sr * sr / nr)
            gain = base - sse
            if gain > best[0]:
                best = (gain, f, (a + b) / 2.0)
    return best


def fit_tree(X, r, idx, order, rate):
    g, f0, t0 = best_split(X, r, idx, order)
    if f0 is None:
        m = sum(r[i] for i in idx) / len(idx)
        return (0, 0.0, 0, 0.0, 0, 0.0, [rate * m] * 4)
    left = [i for i in idx if X[i][f0] < t0]
    right = [i for i in idx if not X[i][f0] < t0]
    nodes = [(f0, t0)]
    leaves = []
    for part in (left, right):
        g, f, t = best_split(X, r, part, order)
        if f is None:
            f, t = 0, float("-inf")  # everything goes right
        nodes.append((f, t))
        lo = [i for i in part if X[i][f] < t]
        hi = [i for i in part if not X[i][f] < t]
        for sub in (lo, hi):
            m = sum(r[i] for i in sub) / len(sub) if sub else 0.0
            leaves.append(rate * m)
    return (nodes[0][0], nodes[0][1], nodes[1][0], nodes[1][1], nodes[2][0], nodes[2][1], leaves)


def predict_tree(t, x):
    f0, t0, f1, t1, f2, t2, leaves = t
    if x[f0] < t0:
        return leaves[0] if x[f1] < t1 else leaves[1]
    return leaves[2] if x[f2] < t2 else leaves[3]


def fit(X, y, trees, rate, subsample=0.6, seed=1):
    """Stochastic gradient boosting: each tree sees a random @subsample of the
    rows (fixed seed, so the fit is reproducible)."""
    rng = random.Random(seed)
    base = sum(y) / len(y)
    pred = [base] * len(y)
    order = [sorted(range(len(X)), key=lambda i: X[i][f]) for f in range(len(X[0]))]
    model = []
    allidx = list(range(len(X)))
    for _ in range(trees):
        idx = sorted(rng.sample(allidx, int(subsample * len(allidx)))) if subsample < 1 else allidx
        r = [0.0] * len(X)
        for i in idx:
            r[i] = y[i] - pred[i]
        t = fit_tree(X, r, idx, order, rate)
        model.append(t)
        for i in allidx:
            pred[i] += predict_tree(t, X[i])
    return base, model


def predict(base, model, x):
    return base + sum(predict_tree(t, x) for t in model)


def fit_bagged(X, y, trees, rate, bags):
    """@bags boosted models of @trees trees with subsampling seeds 1..@bags,
    averaged: one model of bags * trees trees whose leaves are divided by
    @bags (the bases are all the mean of y). Averaging over seeds takes out
    most of the variance a single random subsampling sequence adds."""
    model = []
    for seed in range(1, bags + 1):
        base, m = fit(X, y, trees, rate, seed=seed)
        for t in m:
            model.append(t[:6] + ([v / bags for v in t[6]],))
    return base, model


def spearman(a, b):
    def rank(v):
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2.0
            i = j + 1
        return r
    ra, rb = rank(a), rank(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    sab = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    saa = sum((x - ma) ** 2 for x in ra)
    sbb = sum((y - mb) ** 2 for y in rb)
    return sab / (saa * sbb) ** 0.5


def out_of_fold(X, y, keys, trees, rate, bags=1, folds=5, shuffle=None):
    """Predictions for every row from models not fitted on its finger. The
    fingers, in key order (shuffled by random.Random(@shuffle) unless None),
    go to the folds in turn."""
    fingers = sorted(set(keys))
    if shuffle is not None:
        random.Random(shuffle).shuffle(fingers)
    fold_of = {k: i % folds for i, k in enumerate(fingers)}
    pred = [0.0] * len(y)
    for f in range(folds):
        tr = [i for i in range(len(y)) if fold_of[keys[i]] != f]
        te = [i for i in range(len(y)) if fold_of[keys[i]] == f]
        base, model = fit_bagged([X[i] for i in tr], [y[i] for i in tr], trees, rate, bags)
        for i in te:
            pred[i] = predict(base, model, X[i])
    return pred


def calibration(pred, y, knots=21):
    """Quantile mapping of out-of-fold predictions onto the NFIQ 2 scores:
    piecewise linear through the matching percentiles (x strictly rising).
    Boosted trees shrink towards the mean; this restores NFIQ 2's spread so
    that the threshold 30 means what it means for NFIQ 2. Rank order is kept."""
    ps, ys = sorted(pred), sorted(y)
    xs, vs = [], []
    for k in range(knots):
        q = k / (knots - 1)
        i = min(len(ps) - 1, int(round(q * (len(ps) - 1))))
        x, v = ps[i], ys[i]
        if xs and x <= xs[-1]:
            continue
        if vs and v < vs[-1]:
            v = vs[-1]
        xs.append(x)
        vs.append(v)
    return xs, vs


def calibrate(xs, ys, p):
    """The calibration as userspace/finger/score.c applies it: piecewise
    linear, flat beyond the end knots, clamped to 0..100."""
    if p <= xs[0]:
        v = ys[0]
    elif p >= xs[-1]:
        v = ys[-1]
    else:
        k = 1
        while xs[k] < p:
            k += 1
        v = ys[k - 1] + (ys[k] - ys[k - 1]) * (p - xs[k - 1]) / (xs[k] - xs[k - 1])
    return min(100.0, max(0.0, v))


def cfloat(v):
    if v == float("-inf"):
        return "-INFINITY"
    s = "%.9g" % v
    if not any(c in s for c in ".en"):
        s += ".0"
    return s + "f"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("features")
    ap.add_argument("out")
    ap.add_argument("--trees", type=int, default=200)
    ap.add_argument("--rate", type=float, default=0.05)
    ap.add_argument("--bags", type=int, default=3,
                    help="models with different subsampling seeds, averaged")
    ap.add_argument("--min-leaf", type=int, default=2,
                    help="fewest rows in a leaf (chosen by --cv)")
    ap.add_argument("--cv", action="store_true",
                    help="only print the 5-fold (by finger) cross-validated Spearman")
    ap.add_argument("--assignments", type=int, default=1,
                    help="--cv: fold assignments (the official one, then shuffles 101, 102, ...)")
    ap.add_argument("--fit-set", help="write the finger keys fitted on to this file")
    a = ap.parse_args()
    global MIN_LEAF
    MIN_LEAF = a.min_leaf

    with open(a.features, newline="") as fh:
        rd = csv.reader(fh)
        head = next(rd)
        rows = [r for r in rd]
    names = head[FIRST_FEATURE:]
    X = [[float(v) for v in r[FIRST_FEATURE:]] for r in rows]
    y = [float(r[3]) for r in rows]
    keys = [r[1] for r in rows]
    if a.cv:
        figures = []
        for k in range(a.assignments):
            shuffle = None if k == 0 else 100 + k
            oof = out_of_fold(X, y, keys, a.trees, a.rate, a.bags, shuffle=shuffle)
            figures.append(spearman(oof, y))
            cx, cy = calibration(oof, y)
            cal = [calibrate(cx, cy, p) for p in oof]
            agree = sum((c >= THRESHOLD) == (t >= THRESHOLD) for c, t in zip(cal, y)) / len(y)
            print("cv spearman %.4f, agreement on >= %d %.1f%%, fold assignment %s (%d prints, "
                  "%d fingers; trees %d x %d bags, rate %g, min leaf %d)"
                  % (figures[-1], THRESHOLD, 100 * agree, "official" if shuffle is None else shuffle,
                     len(y), len(set(keys)), a.trees, a.bags, a.rate, MIN_LEAF), flush=True)
        if len(figures) > 1:
            print("cv spearman mean %.4f over %d fold assignments (min %.4f, max %.4f)"
                  % (sum(figures) / len(figures), len(figures), min(figures), max(figures)))
        return
    base, model = fit_bagged(X, y, a.trees, a.rate, a.bags)
    oof = out_of_fold(X, y, keys, a.trees, a.rate, a.bags)
    cx, cy = calibration(oof, y)
    print("5-fold (by finger) out-of-fold Spearman: %.3f" % spearman(oof, y), file=sys.stderr)
    sse = sum((predict(base, model, x) - t) ** 2 for x, t in zip(X, y))
    print("fitted %d trees on %d images, training RMSE %.2f" % (len(model), len(y), (sse / len(y)) ** 0.5),
          file=sys.stderr)

    with open(a.out, "w") as out:
        out.write("// SPDX-License-Identifier: GPL-2.0\n")
        out.write("/*\n * Fingerprint score model: %d regression trees of depth 2 (%d boosted models of\n"
                  " * %d trees with subsampling seeds 1..%d, averaged), learning rate %g, subsample 0.6,\n"
                  " * at least %d rows per leaf,\n" % (len(model), a.bags, a.trees, a.bags, a.rate, MIN_LEAF))
        out.write(" * fitted to NIST NFIQ 2 unified scores of %d images of %d fingers (all of\n"
                  " * ../shared/data/fingerprints/labels.csv; the fingers are listed in\n"
                  " * tools/fit/finger_fit_set.txt).\n" % (len(y), len(set(keys))))
        out.write(" * GENERATED by tools/fit/fit_finger.py -- do not edit; see docs/finger-quality.md.\n")
        out.write(" * Feature indices: %s.\n */\n" % ", ".join("%d %s" % (i, n) for i, n in enumerate(names)))
        out.write('#include <math.h>\n#include "finger_internal.h"\n\n')
        out.write("static const struct fq_tree trees[%d] = {\n" % len(model))
        for t in model:
            f0, t0, f1, t1, f2, t2, lv = t
            out.write("\t{ { %d, %d, %d }, { %s, %s, %s }, { %s } },\n"
                      % (f0, f1, f2, cfloat(t0), cfloat(t1), cfloat(t2), ", ".join(cfloat(v) for v in lv)))
        out.write("};\n\n/* calibration: raw model output -> score, piecewise linear */\n")
        out.write("static const float calib_x[%d] = { %s };\n" % (len(cx), ", ".join(cfloat(v) for v in cx)))
        out.write("static const float calib_y[%d] = { %s };\n\n" % (len(cy), ", ".join(cfloat(v) for v in cy)))
        out.write("const struct fq_model fq_model = { %d, %s, trees, %d, calib_x, calib_y };\n"
                  % (len(model), cfloat(base), len(cx)))
    if a.fit_set:
        with open(a.fit_set, "w") as out:
            out.write("# Finger keys the model of userspace/finger/model_params.c was fitted on\n"
                      "# (GENERATED by tools/fit/fit_finger.py; read by tests/eval/finger_eval).\n")
            for k in sorted(set(keys)):
                out.write(k + "\n")


if __name__ == "__main__":
    main()
