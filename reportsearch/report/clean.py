"""Cleaning: normalise white space and drop page furniture; split header, body and trailer."""
from __future__ import annotations

import re

from ..model import CleanDocument, RawDocument

# NBSP, full-width space, zero-width characters, tabs and other odd spaces become one space.
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")

# Lines that are parts of the web page around a report, never of the report itself.
_FURNITURE = re.compile(
    r"扫一扫|手机(上)?(打开|访问|浏览)|网站地图|联系我们|ICP备|ICP证|公网安备|网站标识码|网站标识|"
    r"主办单位|承办单位|主办[:：]|承办[:：]|技术支持|版权所有|©|Copyright|打印本页|关闭窗口|【?打印】?$|"
    r"分享到|字体[:：]|字号[:：]|【字体|【字号|字体大小|\[ *大 *\]|大 *中 *小|浏览次数|访问次数|阅读次数|点击(数|次数|量)|"
    r"保护视力|简体|繁體|繁体|无障碍|长者助手|登录|注册|邮件订阅|政务邮箱|分辨率|浏览效果|浏览器|涉密文件|"
    r"适老化|欢迎访问|上一篇|下一篇|相关链接|责任编辑|返回顶部|收藏本页|设为首页|加入收藏|IPv6|"
    r"[您你][^。，,]{0,5}位置|当前位置|现在位置|所在位置|^首页\s*[>＞»]|[>＞»]\s*正文|^[>＞»]|"
    r"信息公开(元数据|目录|指南)$|^(朗读|语音播报|播报|视力保护色|打印|收藏|分享|关闭)[:：]?$|"
    r"^(【?(打印|关闭|收藏|分享|纠错|我要纠错|返回|返回顶部|打印本页)】?[\s|]*){2,}$|"
    r"^(微信|微博|QQ空间|QQ|朋友圈|今日头条)([\s|、]+(微信|微博|QQ空间|QQ|朋友圈|今日头条))+$|"
    r"^(责任编辑|编辑|审核|审核人|校对|发布者|发布人|供稿)\s*[:：]|"
    r"^\s*【?(来源|发布时间|发布日期|信息来源)[^。]{0,40}$|^(时间|来源|作者|日期|栏目)\s*[:：]|^[-=_*·|│┃ ]{1,}$",
    re.I,
)
_NAV_TRAIL = re.compile(r"\S+\s*[>＞»]\s*\S+\s*[>＞»]")
_SENTENCE_END = re.compile(r"[。！？!?]")
_HEADING_START = re.compile(
    r"^(#{1,6}\s*)?([一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.、．](?!\d)|"
    r"第[一二三四五六七八九十]{1,3}(部分|章|节|篇))"
)

# The 政府信息公开 table that government sites put above a document: 索引号, 发布机构, 成文日期…
# Labels may be spaced out (索 引 号, 文    号) and several may share a line.
_TEMPLATE_LABELS = (
    "索引号", "统一编号", "主题分类", "体裁分类", "组配分类", "服务对象分类", "服务对象", "信息分类", "分类",
    "发布机构", "发文机关", "发文单位", "发布单位", "制发机关", "所属机构", "来源单位", "责任部门",
    "公文生成日期", "生成日期", "成文日期", "成文时间", "发文日期", "发文时间", "印发日期", "发布日期",
    "发布时间", "公开日期", "公开时间", "实施日期", "废止日期", "有效期",
    "备注/文号", "发文字号", "文号", "标题", "名称", "效力状态", "有效性", "时效性", "主题词", "关键词",
    "公开方式", "公开范围", "公开时限", "公开形式", "信息来源", "文章来源", "来源", "作者", "所属栏目", "栏目",
    "日期", "时间", "访问量", "点击数", "浏览次数", "阅读次数", "字号", "字体", "分享", "视力保护色",
)
# Generic words count as a label only with a colon: 时间紧、任务重 is not a table row.
_GENERIC_LABELS = {"分类", "标题", "名称", "来源", "作者", "栏目", "日期", "时间", "有效期", "服务对象"}
_LABEL = re.compile(
    r"(?:(?<=^)|(?<=[\s|│:：]))(" + "|".join(r"\s*".join(map(re.escape, x)) for x in _TEMPLATE_LABELS) + r")"
    r"(\s*[:：]\s*|\s+|$)"
)
_WRITTEN = re.compile(r"成文|发文日期|发文时间|生成|印发")  # the document's own date, not the page's
DATE_LABELS = re.compile(r"日期|时间")


def template_fields(line: str) -> list[tuple[str, str]]:
    """The label/value pairs of a 政府信息公开 table row: 'label: value' as many times as the row holds
    them (索 引 号 000014349/2021-00123 分 类 司法 → [(索引号, 000014349/2021-00123), (分类, 司法)])."""
    s = line.strip().strip("|│").strip()
    s = re.sub(r"^[-*•·]\s+", "", s)
    s = re.sub(r"[】\]]\s*[【\[]", " ", re.sub(r"^[【\[](?=[^】\]]+[:：])|[】\]]$", "", s))  # 【发布时间：…】【来源：…】
    found = []
    for m in _LABEL.finditer(s):
        label = re.sub(r"\s+", "", m.group(1))
        if label in _GENERIC_LABELS and not found and ":" not in m.group(2) and "：" not in m.group(2):
            continue  # a generic word opens a row only with a colon
        if not m.group(2) and m.end() < len(s):
            continue
        found.append((label, m.start(), m.end()))
    if not found or found[0][1] != 0:
        return []
    fields = []
    for k, (label, _, end) in enumerate(found):
        stop = found[k + 1][1] if k + 1 < len(found) else len(s)
        fields.append((label, s[end:stop].strip(" |│")))
    return fields


def is_template_row(line: str) -> bool:
    """A row of the 政府信息公开 table (索引号 / 发布机构 / 成文日期 / 文号 / 主题分类 …)."""
    fields = template_fields(line)
    if not fields:
        return False
    if len(fields) == 1 and fields[0][0] not in ("标题", "名称") and _SENTENCE_END.search(fields[0][1]):
        return False  # "来源：…" opening a real sentence
    return True


# A site's sentence about the document: 《…报告》是2019年柳州市人民政府发布的通知。
SITE_SENTENCE = re.compile(
    r"^《([^《》]{5,80})》(?:是|为|系|由)[^。]{0,40}?(?:发布|印发|公布|发出|制定|出台|公开)的?[^。]{0,12}[。.]?$"
)


def normalise(line: str) -> str:
    """One line with white space folded: NBSP, full-width spaces, tabs, zero-width characters."""
    return _SPACES.sub(" ", line).strip()


def is_furniture(line: str) -> bool:
    """A line of page furniture: navigation, share/print/font controls, site banners, ICP lines."""
    if is_template_row(line) or SITE_SENTENCE.match(line):
        return True
    if len(_SENTENCE_END.findall(line)) >= 1 and len(line) > 60:
        return False  # a real paragraph that merely mentions such words
    if _FURNITURE.search(line):
        return True
    # Short lines only: on a long line without spaces the trail's \S+ makes the search quadratic.
    if len(line) < 120 and "。" not in line and _NAV_TRAIL.search(line):
        return True
    return False


_TITLE_LIKE = re.compile(r"(报告|情况|总结|打算|工作要点)\s*([（(][^（()）]{0,20}[）)])?$")


def _body_like(line: str) -> bool:
    """A line that can only be report body: sentences, or a numbered heading."""
    if is_furniture(line):
        return False
    if not _SENTENCE_END.search(line) and len(line) < 80 and _TITLE_LIKE.search(line) \
            and not _HEADING_START.match(line):
        return False  # a title, however many commas it holds
    if _SENTENCE_END.search(line) and len(line) >= 15:
        return True
    if re.search(r"[，,；;]", line) and len(line) >= 40:
        return True
    # A numbered heading counts; a bare Markdown '#' line may be the title, so it does not.
    return bool(_HEADING_START.match(line)) and len(line) >= 4


# Closing matter after a report's last paragraph: a formula (特此报告, 以上报告，请审议), a date, a
# signature (某县人民政府). Nothing else after the body is dropped as trailer (issue 23, item 5).
_CLOSING_FORMULA = re.compile(r"^[（(]?(以上报告|特此报告|特此|专此|妥否|当否|请审议|请予审议|请批示|谢谢|完[）)]?$|本文有删减)")
_DATE_LINE = re.compile(
    r"^[（(]?(\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]?\s*(\d{1,2}\s*日?)?|[〇○零一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,3}"
    r"\s*月(\s*[一二三四五六七八九十]{1,3}\s*日)?)[）)]?$")
_SIGNATURE_END = re.compile(r"(政府|办公室|办公厅|委员会|党委|党组|局|厅|委|办|处|中心|街道|办事处|院|部)$")


def _is_heading_line(line: str) -> bool:
    return bool(_HEADING_START.match(line)) and len(line) <= 60 and not _SENTENCE_END.search(line)


def _continues_body(line: str, after_heading: bool) -> bool:
    """A line after the last clearly-body line that is still body: a sentence, however short, or any
    line right under a heading; never furniture, a closing formula, a date or a signature."""
    core = re.sub(r"[*#\s]", "", line)
    if len(core) < 2 or is_furniture(line) or _CLOSING_FORMULA.match(core) or _DATE_LINE.match(core) \
            or re.fullmatch(r"[（(【\[].*[）)】\]]", core):  # （某某市政府网站）: a note about the text
        return False
    if re.search(r"[。！？!?；;]$", core):
        return sum("\u4e00" <= c <= "\u9fff" for c in core) >= 4
    return after_heading and not _SIGNATURE_END.search(core) and not re.search(r"\d{4}\s*年", core)


def page_fields(lines: list[str]) -> tuple[list[tuple[str, str]], set[int]]:
    """The 政府信息公开 table wherever it stands, as (label, value) pairs, and the indices of the lines
    that hold only a value: a label with an empty value takes the next line (索引号： / 1144…/2021-00123)."""
    fields: list[tuple[str, str]] = []
    values: set[int] = set()
    for i, line in enumerate(lines):
        if i in values:
            continue
        row = template_fields(line)
        if not row:
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if not row[-1][1] and nxt and not template_fields(nxt) and len(nxt) <= 60 \
                and not _SENTENCE_END.search(nxt) and not _HEADING_START.match(nxt):
            row[-1] = (row[-1][0], nxt)
            values.add(i + 1)
        fields.extend(row)
    return fields, values


def clean(raw: RawDocument) -> CleanDocument:
    """Normalise the lines, then split them into header, body and trailer without furniture."""
    lines = [normalise(x) for x in raw.lines]
    lines = [x for x in lines if x]
    fields, values = page_fields(lines)
    body_idx = [i for i, x in enumerate(lines) if i not in values and _body_like(x)]
    if not body_idx:
        header = [x for x in lines if not is_furniture(x)]
        return CleanDocument(raw.path, header, [], [], dict(raw.front_matter), fields)
    first, last = body_idx[0], body_idx[-1]
    while last + 1 < len(lines) and last + 1 not in values \
            and _continues_body(lines[last + 1], _is_heading_line(lines[last])):
        last += 1
    # Header and trailer keep their furniture: date and source lines hold metadata.
    header = lines[:first]
    body = [x for i, x in enumerate(lines[first:last + 1], first) if i not in values and not is_furniture(x)]
    trailer = lines[last + 1:]
    return CleanDocument(raw.path, header, body, trailer, dict(raw.front_matter), fields)
