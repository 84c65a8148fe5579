"""The normaliser on the noise that real plan files carry."""

from __future__ import annotations

import pytest
from jtcompare.text.normalise import normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("《减【jiǎn】污【wū】降碳协同【tóng】增效实施方案》", "《减污降碳协同增效实施方案》"),
        ("十【shí】三)推【tuī】进", "十三)推进"),
        ("实(shí)施方案", "实施方案"),
        ("哒(da)(da)哒", "哒哒"),
        ("为(wéi / wèi)了", "为了"),
        ("平均电能利用效率(PUE)值", "平均电能利用效率(PUE)值"),
        ("挥发性有机物(VOCs)以及", "挥发性有机物(VOCs)以及"),
        ("減污降碳協同增效", "减污降碳协同增效"),
        ("减 污 降 碳 协 同 增 效 实 施 方 案", "减污降碳协同增效实施方案"),
        ("推动@@绿色发展", "推动绿色发展"),
        ("第一段。\n—2—\n第二段。", "第一段。\n\n第二段。"),
        ("（一）指导思想：", "(一)指导思想:"),
    ],
)
def test_noise_is_removed(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


def test_pinyin_for_a_character_is_repaired_and_recorded() -> None:
    norm = normalise("实现环境效益、qi候效益、经济效益多赢。研究破jie碳排放信息融入的障碍。")
    assert norm.text == "实现环境效益、气候效益、经济效益多赢。研究破解碳排放信息融入的障碍。"
    assert [(r.original, r.replacement) for r in norm.repairs] == [("qi", "气"), ("jie", "解")]


def test_ambiguous_pinyin_is_flagged_not_guessed() -> None:
    norm = normalise("开展shi验。")  # 试验 or 实验: both common
    assert "shi" in norm.text
    assert norm.notices and norm.notices[0].kind == "pinyin"


def test_mojibake_is_flagged_and_kept_out_of_matching() -> None:
    norm = normalise("落實促進可再生能源規?;l展的價格形成機制")
    assert "?" not in norm.text
    assert norm.notices[0].kind == "mojibake"
    assert "規?;l展" in norm.notices[0].message


def test_lines_broken_mid_sentence_are_joined() -> None:
    raw = (
        "4.强化清洁能源供给与安全保障。适度超前规划建设能源基础设施,构建以绿色能源为主体的新型电力系\n"
        "统,推进受电通道扩容。\n5.深化能源消费结构调整。"
    )
    assert normalise(raw).text.split("\n") == [
        "4.强化清洁能源供给与安全保障。适度超前规划建设能源基础设施,"
        "构建以绿色能源为主体的新型电力系统,推进受电通道扩容。",
        "5.深化能源消费结构调整。",
    ]


@pytest.mark.parametrize(
    "raw",
    [
        "(十二)推动碳排放达峰与空气质量改善协同。优化治理技\n术路线,加大协同减排力度。",  # a run-in heading's body
        "到2025年,全市减污降碳协同推进工作格局基本形成\n,绿色低碳发展取得明显成效。",  # short running text
    ],
)
def test_short_lines_cut_mid_sentence_are_joined(raw: str) -> None:
    assert normalise(raw).text == raw.replace("\n", "")


def test_titles_and_bylines_stay_apart() -> None:
    raw = "重庆市减污降碳协同增效实施方案(2022—2025年)\n重庆市生态环境局 重庆市发展和改革委员会\n为深入贯彻落实。"
    assert normalise(raw).text == raw


def test_headings_are_not_joined_to_their_text() -> None:
    assert normalise("(二)基本原则\n坚持发展导向。").text == "(二)基本原则\n坚持发展导向。"


def test_offsets_point_back_into_the_original() -> None:
    raw = "推【tuī】进減污降碳"
    norm = normalise(raw)
    start = norm.text.index("减污")
    ostart, oend = norm.original_span(start, start + 2)
    assert raw[ostart:oend] == "減污"
