"""Quick evaluation: calibration (and optionally held-out) accuracy per city with the current engine."""
import sys, time
from jtcompare.match.classify import align
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.registry import open_library
from benchmarks.evaluate import CALIBRATION, HELDOUT, CLAUSES, read_labels, read_clause_labels, score_measures, clause_accuracy, not_applicable
lib = open_library(); base = lib.load("national")
t=time.time()
al = {c: align(base, lib.load(c), DEFAULTS) for c in ("chongqing","wuhan","chengdu")}
print(f"align x3 {time.time()-t:.2f}s")
parts = [("calibration", CALIBRATION)] + ([("HELDOUT", HELDOUT)] if "--heldout" in sys.argv else [])
for name, path in parts:
    labels = read_labels(path)
    card = score_measures(al, labels)
    per = {c: score_measures({c: al[c]}, labels).accuracy for c in al}
    print(f"{name}: n={len(card.pairs)} acc {card.accuracy:.3f} macroF1 {card.macro_f1:.3f} taken-up {card.taken_up_accuracy:.3f} "
          + " ".join(f"{c} {v:.3f}" for c, v in per.items()))
    for s in ("adopted","strengthened","partial","omitted"):
        p, r = card.precision(s), card.recall(s)
        print(f"   {s:<13} P {p if p is None else round(p,2)} R {r if r is None else round(r,2)}")
    print("   n/a", not_applicable(al, labels))
cl = read_clause_labels(CLAUSES)
print("clauses", {c: round(clause_accuracy(al[c], cl),3) for c in al})
