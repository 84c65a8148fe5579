"""The matcher's vectorised scores against plain-Python references written from their documented formulas.

In the manner of rapidfuzz's own tests: random token lists go through the numpy code (compare/match/scoring.py,
compare/match/units.py `held`) and through a loop-and-dict reference of the formula in the docstrings and
Settings comments, and the two must agree to 1e-6. The references take the tokens as given (the matcher's
tokenisation is another test's business), so a disagreement is in the arithmetic: IDF weights, the share of a
measure found, the bigram blend, token_sort_ratio, the framing weight, the clause prior, partial credit.

Where the docstrings say less than the code does (the code is right; the docstrings are the matcher's to fix):
- scoring's module docstring gives score = w * IDF share of words + (1 - w) * token_sort_ratio; the code's
  share is (1 - bigram_weight) * word share + bigram_weight * character-bigram share, each over the measure's
  IDF mass + short_penalty, as Settings' comments on idf_weight and short_penalty say.
- `_bigram_coverage` counts only pairs of two CJK characters, and divides by the mass + short_penalty too.
- `held` gives partial credit only to a term with two sub-words or more (the code's comment: 再生铝's one
  content sub-word 再生 is not half of it); its docstring says any compound found in part.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from jtcompare.match import scoring
from jtcompare.match.lexicon import concepts, words
from jtcompare.match.settings import DEFAULTS, Settings
from jtcompare.match.units import Term, held
from jtcompare.plans.model import Clause, Measure, Plan, PlanMeta
from jtcompare.text.tokens import canonical

from tests.fuzzing import fuzz

TOLERANCE = 1e-6
PROPERTY = fuzz(60)

# a few characters, so that random words share tokens and bigrams often; 碳/排放/交易 also make canonical text
CHARS = "碳排放交易管理条例再生铝秸秆综合利用"
WORD = st.text(st.sampled_from(CHARS), min_size=1, max_size=4)
TOKENS = st.lists(WORD, min_size=1, max_size=8)


# --- references -------------------------------------------------------------------------------------------


def ref_idf(docs: Sequence[Sequence[str]], power: float) -> dict[str, float]:
    """Smoothed IDF over the documents, each token counted once per document, raised to `power`:
    (ln((N + 1) / (df + 1)) + 1) ** power."""
    df = Counter(t for doc in docs for t in set(doc))
    n = len(docs)
    return {t: (math.log((n + 1) / (d + 1)) + 1.0) ** power for t, d in df.items()}


def ref_share(base: Sequence[str], plan: Sequence[str], idf: dict[str, float], short_penalty: float) -> float:
    """The IDF mass of the base's distinct tokens that the plan also has, over the base's mass + short_penalty."""
    found = sum(idf[t] for t in set(base) & set(plan))
    return found / (sum(idf[t] for t in set(base)) + short_penalty)


def ref_bigrams(text: str) -> set[str]:
    """Pairs of adjacent CJK characters."""
    return {a + b for a, b in pairwise(text) if "\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff"}


def ref_lcs(a: str, b: str) -> int:
    row = [0] * (len(b) + 1)
    for ca in a:
        prev_diag = 0
        for j, cb in enumerate(b, 1):
            prev_diag, row[j] = row[j], prev_diag + 1 if ca == cb else max(row[j], row[j - 1])
    return row[-1]


def ref_token_sort_ratio(a: Sequence[str], b: Sequence[str]) -> float:
    """rapidfuzz's token_sort_ratio on tokens joined by spaces: the tokens sorted, then the Indel similarity
    2 * LCS / (len a + len b) x 100 (two empty strings: 100)."""
    sa, sb = " ".join(sorted(" ".join(a).split())), " ".join(sorted(" ".join(b).split()))
    if not sa and not sb:
        return 100.0
    return 100.0 * 2 * ref_lcs(sa, sb) / (len(sa) + len(sb))


def ref_cosine(a: dict[str, float], b: dict[str, float]) -> float:
    na, nb = math.sqrt(sum(v * v for v in a.values())), math.sqrt(sum(v * v for v in b.values()))
    if not na or not nb:
        return 0.0
    return sum(v * b.get(t, 0.0) for t, v in a.items()) / (na * nb)


# --- random plans -----------------------------------------------------------------------------------------


@st.composite
def plan_shapes(draw: st.DrawFn) -> list[tuple[str, list[list[str]]]]:
    """Clauses as (title, token lists of its measures); now and then a framing clause (指导思想)."""
    clauses = []
    for _ in range(draw(st.integers(1, 4))):
        title = draw(st.sampled_from([*words().framing_titles[:1], "".join(draw(TOKENS))]))
        clauses.append((title, draw(st.lists(TOKENS, min_size=1, max_size=4))))
    return clauses


def build(pid: str, shape: list[tuple[str, list[list[str]]]], tokens: dict[tuple[str, str], tuple[str, ...]]) -> Plan:
    """A Plan of the shape; each measure's text is its tokens joined, and `tokens` records the tokens given."""
    clauses = []
    for k, (title, measures) in enumerate(shape):
        ms = []
        for j, toks in enumerate(measures):
            m = Measure(f"{pid}{k:02d}.{j:02d}", "".join(toks) + "。", 0, 0)
            tokens[(pid, m.id)] = tuple(toks)
            ms.append(m)
        clauses.append(Clause(f"{pid}{k:02d}", str(k + 1), title, "", None, "", (), tuple(ms)))
    meta = PlanMeta(pid, pid, "city", "", "", f"{pid}.txt", pid)
    return Plan(meta, None, "", 0, 0, (), tuple(clauses), (), ())  # type: ignore[arg-type]  # no text is read


def title_tokens(title: str) -> tuple[str, ...]:
    """What the patched match_tokens gives a clause title: its characters in pairs (any fixed rule will do)."""
    return tuple(title[k : k + 2] for k in range(0, len(title), 2))


@pytest.fixture(scope="module")
def given_tokens() -> Iterator[dict[tuple[str, str], tuple[str, ...]]]:
    """score() reads the tokens recorded here instead of running jieba, and never touches the token cache.
    Module scope, as hypothesis runs many examples per test: each example clears the table first."""
    tokens: dict[tuple[str, str], tuple[str, ...]] = {}

    def sentences(plan: Plan) -> list[scoring.Sentence]:
        return [scoring.Sentence(m, c, tokens[(plan.id, m.id)]) for c in plan.clauses for m in c.measures]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scoring, "sentences", sentences)
        patch.setattr(scoring, "match_tokens", title_tokens)
        yield tokens


def reference_score(base: Plan, plan: Plan, s: Settings, tokens: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(score, coverage, favoured-is-ambiguous) from the module docstring and Settings' comments, by loops."""
    b = [(c, m, tokens[(base.id, m.id)]) for c in base.clauses for m in c.measures]
    p = [(c, m, tokens[(plan.id, m.id)]) for c in plan.clauses for m in c.measures]
    idf = ref_idf([t for *_, t in b + p], s.idf_power)
    b_bi = [ref_bigrams(canonical(m.text)) for _, m, _ in b]
    p_bi = [ref_bigrams(canonical(m.text)) for _, m, _ in p]
    bi_idf = ref_idf([sorted(x) for x in b_bi + p_bi], s.idf_power)

    def bag(clause: Clause, units: list) -> dict[str, float]:
        out: dict[str, float] = {}
        for c, _, toks in units:
            if c.id == clause.id:
                for t in toks:  # every occurrence
                    out[t] = out.get(t, 0.0) + idf[t]
        for t in title_tokens(clause.title):
            if t in idf:
                out[t] = out.get(t, 0.0) + s.clause_title_weight * idf[t]
        return out

    sim = {
        (bc.id, pc.id): ref_cosine(bag(bc, b), bag(pc, p)) for bc in base.clauses for pc in plan.clauses
    }  # clause x clause

    def favoured(bc: Clause, pc: Clause) -> bool | None:
        """Among the prior_clauses most similar plan clauses with a similarity above 0; None on a tie at the edge."""
        mine = sim[(bc.id, pc.id)]
        others = sorted((sim[(bc.id, c.id)] for c in plan.clauses if c.id != pc.id), reverse=True)
        above = sum(o > mine + 1e-5 for o in others)
        tied = sum(abs(o - mine) <= 1e-5 for o in others)
        if mine <= 1e-5:
            return False if mine <= 0 else None
        if above + tied < s.prior_clauses:
            return True
        return False if above >= s.prior_clauses else None

    score = np.zeros((len(b), len(p)))
    coverage = np.zeros((len(b), len(p)))
    ambiguous = np.zeros((len(b), len(p)), dtype=bool)
    for i, (bc, _, bt) in enumerate(b):
        for j, (pc, _, pt) in enumerate(p):
            word = ref_share(bt, pt, idf, s.short_penalty)
            bigram = ref_share(sorted(b_bi[i]), sorted(p_bi[j]), bi_idf, s.short_penalty)
            coverage[i, j] = (1 - s.bigram_weight) * word + s.bigram_weight * bigram
            total = s.idf_weight * coverage[i, j] + (1 - s.idf_weight) * ref_token_sort_ratio(bt, pt) / 100
            if scoring.clause_role(pc) != "action":
                total *= s.framing_weight
            fav = favoured(bc, pc)
            ambiguous[i, j] = fav is None and bool(s.clause_prior)
            if fav and s.clause_prior:
                total += s.clause_prior
            score[i, j] = min(max(total, 0.0), 1.0)
    return score, coverage, ambiguous


# --- the properties ---------------------------------------------------------------------------------------


@PROPERTY
@given(
    base=plan_shapes(),
    plan=plan_shapes(),
    idf_power=st.sampled_from([1.0, DEFAULTS.idf_power, 2.7]),
    bigram_weight=st.sampled_from([0.0, DEFAULTS.bigram_weight, 1.0]),
    idf_weight=st.sampled_from([0.0, DEFAULTS.idf_weight, 1.0]),
    clause_prior=st.sampled_from([0.0, DEFAULTS.clause_prior, 0.5]),
)
def test_score_matrix_agrees_with_the_loop_reference(
    given_tokens, base, plan, idf_power, bigram_weight, idf_weight, clause_prior
) -> None:
    given_tokens.clear()
    s = replace(
        DEFAULTS, idf_power=idf_power, bigram_weight=bigram_weight, idf_weight=idf_weight, clause_prior=clause_prior
    )
    b, p = build("N", base, given_tokens), build("P", plan, given_tokens)
    got = scoring.score(b, p, s)
    want, coverage, ambiguous = reference_score(b, p, s, given_tokens)
    np.testing.assert_allclose(got.coverage, coverage, atol=TOLERANCE, rtol=0)
    # a plan clause tied with another at the edge of the prior_clauses best may or may not get the prior: the
    # reference leaves it out there, the code may add it
    close = np.isclose(got.score, want, atol=TOLERANCE, rtol=0)
    with_prior = np.isclose(got.score, np.clip(want + s.clause_prior, 0, 1), atol=TOLERANCE, rtol=0)
    assert (close | (ambiguous & with_prior)).all(), (got.score, want)


@PROPERTY
@given(st.lists(TOKENS, min_size=1, max_size=12), st.sampled_from([1.0, 2.0, 2.7]))
def test_idf_is_the_smoothed_formula(docs, power) -> None:
    got = scoring._idf([tuple(d) for d in docs], power)
    want = ref_idf(docs, power)
    assert got.keys() == want.keys()
    assert all(abs(got[t] - want[t]) <= TOLERANCE * max(1.0, want[t]) for t in want)


@PROPERTY
@given(st.lists(TOKENS, min_size=1, max_size=6), st.lists(TOKENS, min_size=1, max_size=6))
def test_token_sort_ratio_matrix_is_the_scalar_scorer(a, b) -> None:
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist

    joined_a, joined_b = [" ".join(x) for x in a], [" ".join(x) for x in b]
    got = cdist(joined_a, joined_b, scorer=fuzz.token_sort_ratio, dtype=np.float32)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            assert abs(got[i, j] / 100 - ref_token_sort_ratio(x, y) / 100) <= TOLERANCE  # float32 percent
            assert abs(fuzz.token_sort_ratio(joined_a[i], joined_b[j]) - ref_token_sort_ratio(x, y)) <= 1e-9


# --- held(): a plan text holds a key term -----------------------------------------------------------------

TERM_WORD = st.one_of(WORD, st.sampled_from(sorted(concepts().variants)))  # some terms with concept variants
TEXT = st.lists(st.one_of(WORD, st.sampled_from(sorted({v for vs in concepts().variants.values() for v in vs}))))


@st.composite
def terms(draw: st.DrawFn) -> Term:
    text = draw(TERM_WORD)
    # a compound's sub-words are mostly pieces of it (秸秆综合利用: 秸秆, 综合利用), now and then anything
    piece = st.tuples(st.integers(0, len(text) - 1), st.integers(1, 4)).map(lambda k: text[k[0] : k[0] + k[1]])
    subs = tuple(draw(st.lists(st.one_of(piece, WORD), max_size=4, unique=True)))
    weights = tuple(draw(st.lists(st.floats(0, 9), min_size=len(subs), max_size=len(subs))))
    return Term(text, 1.0, subs, weights)


def ref_held(term: Term, text: str, part_credit: float, sub_word_share: float) -> float:
    """1 when the canonical text holds the term or an expression of its concept; else, for a compound (two
    sub-words or more: the code's comment, which the docstring leaves out), part_credit x the weighted share of
    its sub-words present when that share is at least sub_word_share; else 0."""
    canon = canonical(text)
    if any(form in canon for form in (term.text, *concepts().variants.get(term.text, ()))):
        return 1.0
    total = sum(term.sub_weights)
    if len(term.subs) < 2 or not total:
        return 0.0
    share = sum(w for x, w in zip(term.subs, term.sub_weights, strict=True) if x in canon) / total
    return part_credit * share if share >= sub_word_share else 0.0


@PROPERTY
@example([Term("再生铝", 1.0, ("再生",), (2.0,))], ["再生资源"], DEFAULTS.part_credit, DEFAULTS.sub_word_share)
@given(
    st.lists(terms(), min_size=1, max_size=6),
    st.lists(TEXT.map("".join), min_size=1, max_size=8),
    st.sampled_from([DEFAULTS.part_credit, 0.3, 1.0]),
    st.sampled_from([DEFAULTS.sub_word_share, 0.0, 0.9]),
)
def test_held_agrees_with_the_substring_reference(ts, texts, part_credit, sub_word_share) -> None:
    got = held(ts, texts, part_credit, sub_word_share)
    assert got.shape == (len(ts), len(texts))
    for i, term in enumerate(ts):
        for j, text in enumerate(texts):
            want = ref_held(term, text, part_credit, sub_word_share)
            assert abs(got[i, j] - want) <= TOLERANCE, (term, text, got[i, j], want)
