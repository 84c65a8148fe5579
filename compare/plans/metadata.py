"""A plan's metadata as its own text gives it: title, name, kind, level, date; and the ids made from them.

Guesses are conservative: the level comes from the title's place (武汉市... -> city) and, for a title
naming none, from the issuer (a line naming only national issuers such as 国务院 or 生态环境部, or a
letter headed by one). A document number (环综合〔2022〕42号) never sets it, even alone on its line: a
city plan cites the national scheme's number and title, often on lines of their own, and a title
quoted in 《》 on its own line is such a citation, not the plan's title when another title line is
there. The importer asks for `--level national` before a guess adds a second national plan.
The date is a signature's: a date alone on a line (or labelled 发布时间...),
never one read from a sentence such as a news lead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from jtcompare.errors import BadOption, Said, message, option
from jtcompare.plans.parse import TITLE_END
from jtcompare.text.numerals import cn_to_int

ID_MAX = 40
_ID = re.compile(rf"[a-z][a-z0-9_-]{{0,{ID_MAX - 1}}}")
_CHAPTER = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章部])")
_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,10}?(?:特别行政区|自治区|自治州|省|市|县|区))(.{2,})$")
NATIONAL_ISSUERS = (
    *("中共中央", "国务院", "国务院办公厅", "中共中央办公厅", "生态环境部", "国家发展和改革委员会", "国家发展改革委"),
    *("工业和信息化部", "住房和城乡建设部", "交通运输部", "农业农村部", "国家能源局", "财政部", "科学技术部"),
    *("自然资源部", "水利部", "商务部", "中国人民银行", "国家市场监督管理总局", "国家统计局", "国家林业和草原局"),
)
_ISSUER = "|".join(sorted(NATIONAL_ISSUERS, key=len, reverse=True))
_ISSUER_LINE = re.compile(rf"^(?:(?:{_ISSUER})[\s、,]*)+$")  # the signature block: only national issuers
_ISSUER_LETTER = re.compile(rf"^(?:{_ISSUER})(?:[\s、,]*(?:{_ISSUER}))*(?:等[\d一二三四五六七八九十]+部门)?关于")
# what a year written in Chinese digits takes for its zero: 〇 (U+3007) and 零, and in typed or scanned texts
# the white circle ○ (U+25CB), the large circle ◯ (U+25EF), a letter O (Latin, fullwidth, Greek, Cyrillic) or 0
_ZEROS = "〇零○◯OoＯｏΟО0０"
_AS_ZERO = str.maketrans(dict.fromkeys(_ZEROS, "〇"))
DATES = (
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(
        rf"([{_ZEROS}一二三四五六七八九]{{4}})\s*年"
        r"\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
    ),
    re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),
)
# a date a web page or a document labels as its own: 发布时间:2023-09-01 10:20
_DATE_LABEL = re.compile(r"^(?:发布|成文|印发|发文)?(?:时间|日期)\s*[:：]?\s*")
_TIME = re.compile(r"\s*\d{1,2}:\d{2}(?::\d{2})?\s*$")
_ONE_LINE_TITLE = re.compile(r"^[《\s]*([^\s《》。,;:!?]{4,40}?(?:方案|规划|计划|意见|办法|纲要|措施|细则))》?")
_LONG_LINE = 200  # a line this long is body text, not a title or a notice's heading


@dataclass(frozen=True)
class Guess:
    """Metadata read from a plan's own text; None where the text does not tell."""

    title: str | None = None
    name: str | None = None
    kind: str | None = None
    level: str | None = None
    date: str | None = None
    issuer: str | None = None  # the national issuer's line that made the level national


def check_id(plan_id: str) -> str:
    pid = plan_id.strip().lower()
    if len(pid) > ID_MAX:
        raise BadOption(
            f"{option('id', plan_id)} is {len(pid)} characters long; an id has at most {ID_MAX}",
            message("error.id_too_long", plan=plan_id, length=len(pid), most=ID_MAX),
        )
    if not _ID.fullmatch(pid):
        raise BadOption(
            f"{option('id', plan_id)} must be a-z, digits, - or _, starting with a letter (e.g. wuhan)",
            message("error.bad_id", plan=plan_id),
        )
    return pid


def parse_date(value: str) -> str:
    """`2023-05-11`, `2023/5/11`, `2023.5.11`, `2023年5月11日` or `二〇二三年五月十一日` (or 二○二三年: `_ZEROS`)
    as YYYY-MM-DD."""
    text = value.strip()
    for pattern in DATES:
        m = pattern.fullmatch(text)
        if m and (iso := _iso(m)):
            return iso
    raise BadOption(f"{option('date', value)} is not a date like 2023-05-11", message("error.bad_date", value=value))


def _iso(m: re.Match[str]) -> str | None:
    y, mo, d = (cn_to_int(g if g.isdigit() else g.translate(_AS_ZERO)) for g in m.groups())
    try:
        return dt.date(y or 0, mo or 0, d or 0).isoformat()
    except ValueError:
        return None


def guess_meta(text: str, title_hint: str | None = None) -> Guess:
    """Title, name, kind, level and date as the plan's front matter (or a web page's title) gives them."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    first = next((i for i, ln in enumerate(lines) if _CHAPTER.match(ln)), min(len(lines), 30))
    head, tail = lines[:first], lines[-10:]
    title = _guess_title(head, title_hint) or _title_at_start(lines)
    name = kind = level = issuer = None
    if title and (m := _PLACE.match(title)):
        name, kind = m.group(1), m.group(2)
        level = level_of(name)
    elif title:
        kind = title
        if issuer := national_issuer(head):
            name, level = "国家", "national"
    return Guess(title, name, kind, level, _guess_date(head, tail), issuer)


def national_issuer(head: list[str]) -> str | None:
    """The line of the front matter naming a national issuer as the document's own: a signature block of
    national issuers only, or a letter headed by one. Not a document number: any plan may cite one."""
    for line in head:
        bare = re.sub(r"\s+", "", line)
        if _ISSUER_LINE.match(line) or _ISSUER_LETTER.match(bare):
            return line
    return None


def _clean_title(line: str) -> str:
    return re.sub(r"\s+", "", line).strip('《》〈〉<>"“”')


def _quoted(line: str) -> bool:
    """A line that is only a title in 《》: how a plan cites another document on a line of its own."""
    return bool(re.fullmatch(r"\s*《[^《》]+》\s*", line))


def _guess_title(head: list[str], hint: str | None) -> str | None:
    bare = [
        (_PLACE.match(t) is not None, not _quoted(line), k, t)
        for k, (line, t) in enumerate(zip(head, map(_clean_title, head), strict=True))
        if 4 < len(t) <= 40 and TITLE_END.search(t) and not re.search(r"关于|印发|通知|的函|[。,;:!?]", t)
    ]
    if bare:  # a title naming its place before one naming none (a city plan citing the national title), a
        # line of its own before a 《》 quotation, then the last
        return max(bare)[3]
    for line in head:
        if len(line) > _LONG_LINE:  # a plan on one line: its 印发《…》 names another document
            continue
        if m := re.search(r"印发(?:了)?《([^》]{4,40})》|关于印发(.{4,40}?)的(?:通知|函)", line):
            return _clean_title(m.group(1) or m.group(2))
    if hint:
        for part in re.split(r"\s*[_|–—-]\s*", hint):
            t = _clean_title(part)
            if 4 < len(t) <= 40 and TITLE_END.search(t):
                return t
    return None


def _title_at_start(lines: list[str]) -> str | None:
    """A plan copied onto one long line starts with its title: 西安市…实施方案 为深入贯彻…"""
    if lines and len(lines[0]) > _LONG_LINE and (m := _ONE_LINE_TITLE.match(lines[0])):
        return m.group(1)
    return None


def _guess_date(head: list[str], tail: list[str]) -> str | None:
    """The signature's date: a date alone on a line in the front matter or at the end, else one that the
    front matter labels as the document's (发布时间:2023-09-01). Never a date inside a sentence."""
    for lines, labelled in ((head, False), (tail, False), (head, True)):
        for line in lines:
            bare = line.strip("()（） ")
            if labelled:
                bare = _TIME.sub("", _DATE_LABEL.sub("", bare)) if _DATE_LABEL.match(bare) else ""
            for pattern in DATES:
                m = pattern.fullmatch(bare)
                if m and (iso := _iso(m)):
                    return iso
    return None


def level_of(name: str) -> str | None:
    if name.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if name.endswith(("市", "自治州")):
        return "city"
    if name.endswith(("县", "区")):
        return "district"
    if name == "国家":
        return "national"
    return None


def kind_of(title: str, name: str) -> str:
    """The title without the place: 减污降碳协同增效实施方案 of 武汉市减污降碳协同增效实施方案."""
    m = _PLACE.match(title)
    if m and _short(m.group(1)) == _short(name):
        return m.group(2)
    for prefix in (name, _short(name)):
        if title.startswith(prefix) and len(title) > len(prefix):
            return title[len(prefix) :]
    return m.group(2) if m else title


def _short(name: str) -> str:
    for suffix in ("特别行政区", "自治区", "自治州", "省", "市", "县", "区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _syllables(name: str) -> list[str]:
    from pypinyin import lazy_pinyin

    return [re.sub(r"[^a-z0-9]", "", s.lower()) for s in lazy_pinyin(_short(name), errors="ignore")]


def id_for(name: str, level: str) -> str:
    """`wuhan` for 武汉市: the pinyin of the name without 市/省/..., `national` for the national scheme."""
    if level == "national" and name == "国家":
        return "national"
    pid = "".join(_syllables(name))[:ID_MAX]
    return pid if _ID.fullmatch(pid) else "plan"


def prefix_for(plan_id: str, name: str, level: str, taken: set[str]) -> str:
    """Measure-id prefix: pinyin initials (WH for 武汉市), unique in the library. A second plan of the same name
    gets a letter after them (WHB), never a digit: clause ids follow the prefix, and WH2 + clause 21 would read
    WH221, or WH21-00 for its chapter 1, the id of wuhan's clause 21."""
    if level == "national" and name == "国家":
        base = "N"
    else:
        initials = "".join(s[0] for s in _syllables(name) if s).upper()
        base = initials if len(initials) >= 2 else plan_id[:2].upper()
    for suffix in ("", *"BCDEFGHJKLMNPQRSTUVWXYZ"):  # no I or O: read as 1 and 0
        if base + suffix not in taken:
            return base + suffix
    n = 2
    while f"{base}Z{n}" in taken:
        n += 1
    return f"{base}Z{n}"


# the province-level divisions by their short names, as plans.toml `province` and match/data/regions.toml write them
PROVINCES = (
    *("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建"),
    *("江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西"),
    *("甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾"),
)
_PROVINCE = re.compile("|".join(PROVINCES))
# a province-level division's full name: its short name and what may follow it (新疆维吾尔自治区, 重庆市)
_PROVINCE_NAME = re.compile(rf"({'|'.join(PROVINCES)})(?:省|市|特别行政区|自治区|壮族自治区|回族自治区|维吾尔自治区)?")


def short_province(name: str) -> str | None:
    """The short name (湖北, 新疆) of a province-level division written short or in full (湖北省, 新疆维吾尔自治区);
    None for anything else, a city or prefecture included (海南藏族自治州 lies in 青海, not in 海南)."""
    m = _PROVINCE_NAME.fullmatch(name.strip())
    return m.group(1) if m else None


@dataclass(frozen=True)
class ProvinceGuess:
    province: str
    because: Said  # what in the text made it, as the import output says it


def guess_province(text: str, name: str | None, level: str) -> ProvinceGuess | None:
    """The province a city or province plan lies in, from its name (重庆市, 湖北省) or else from the province its
    text names most (a city plan cites 湖北省 or 省委省政府's deployments): at least twice, and at least twice as
    often as any other. None for a national plan, or when the text does not settle it: the import then says so,
    and the region-bound measures are judged rather than left out. "Twice" is a judgement, not a fit: one mention
    is as likely a citation (学习浙江经验) as a place. The shipped plans cannot test it: chongqing and chengdu name
    their province 30 and 12 times and no other, and wuhan names 湖北 exactly twice, at the threshold."""
    if level == "national":
        return None
    if name and (own := short_province(name)):  # the plan of a province, or of 重庆市 and the other municipalities
        return ProvinceGuess(own, Said(f"its name {name}", message("note.by_name", name=name)))
    counts: dict[str, int] = {}
    for m in _PROVINCE.finditer(text):
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
        return None
    top, times = ranked[0]
    said = message("note.by_text", province=top, times=times)
    return ProvinceGuess(top, Said(f"its text, which names {top} {times} times", said))
