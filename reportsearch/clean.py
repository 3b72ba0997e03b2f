"""Cleaning: normalise white space and drop page furniture; split header, body and trailer."""
from __future__ import annotations

import re

from .model import CleanDocument, RawDocument

# NBSP, full-width space, zero-width characters, tabs and other odd spaces become one space.
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")

# Lines that are parts of the web page around a report, never of the report itself.
_FURNITURE = re.compile(
    r"扫一扫|手机(上)?(打开|访问|浏览)|网站地图|联系我们|ICP备|ICP证|公网安备|网站标识码|网站标识|"
    r"主办单位|承办单位|主办[:：]|承办[:：]|技术支持|版权所有|©|Copyright|打印本页|关闭窗口|【?打印】?$|"
    r"分享到|字体[:：]|字号[:：]|【字体|字体大小|\[ *大 *\]|大 *中 *小|浏览次数|访问次数|阅读次数|点击(数|次数|量)|"
    r"保护视力|简体|繁體|繁体|无障碍|长者助手|登录|注册|邮件订阅|政务邮箱|分辨率|浏览效果|浏览器|涉密文件|"
    r"适老化|欢迎访问|上一篇|下一篇|相关链接|责任编辑|返回顶部|收藏本页|设为首页|加入收藏|IPv6|"
    r"您(现在)?的?(当前)?位置|当前位置|现在位置|所在位置|^首页\s*[>＞»]|[>＞»]\s*正文|"
    r"^\s*【?(来源|发布时间|发布日期|信息来源)[^。]{0,40}$|^(时间|来源|作者)[:：]|^[-=_*·]{3,}$",
    re.I,
)
_NAV_TRAIL = re.compile(r"\S+\s*[>＞»]\s*\S+\s*[>＞»]")
_SENTENCE_END = re.compile(r"[。！？!?]")
_HEADING_START = re.compile(
    r"^(#{1,6}\s*)?([一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.、．](?!\d)|"
    r"第[一二三四五六七八九十]{1,3}(部分|章|节|篇))"
)


def normalise(line: str) -> str:
    """One line with white space folded: NBSP, full-width spaces, tabs, zero-width characters."""
    return _SPACES.sub(" ", line).strip()


def is_furniture(line: str) -> bool:
    """A line of page furniture: navigation, share/print/font controls, site banners, ICP lines."""
    if len(_SENTENCE_END.findall(line)) >= 1 and len(line) > 60:
        return False  # a real paragraph that merely mentions such words
    if _FURNITURE.search(line):
        return True
    if _NAV_TRAIL.search(line) and len(line) < 120 and "。" not in line:
        return True
    return False


def _body_like(line: str) -> bool:
    """A line that can only be report body: sentences, or a numbered heading."""
    if is_furniture(line):
        return False
    if _SENTENCE_END.search(line) and len(line) >= 15:
        return True
    if re.search(r"[，,；;]", line) and len(line) >= 40:
        return True
    # A numbered heading counts; a bare Markdown '#' line may be the title, so it does not.
    return bool(_HEADING_START.match(line)) and len(line) >= 4


def clean(raw: RawDocument) -> CleanDocument:
    """Normalise the lines, then split them into header, body and trailer without furniture."""
    lines = [normalise(x) for x in raw.lines]
    lines = [x for x in lines if x]
    body_idx = [i for i, x in enumerate(lines) if _body_like(x)]
    if not body_idx:
        header = [x for x in lines if not is_furniture(x)]
        return CleanDocument(raw.path, header, [], [], dict(raw.front_matter))
    first, last = body_idx[0], body_idx[-1]
    # Header and trailer keep their furniture: date and source lines hold metadata.
    header = lines[:first]
    body = [x for x in lines[first:last + 1] if not is_furniture(x)]
    trailer = lines[last + 1:]
    return CleanDocument(raw.path, header, body, trailer, dict(raw.front_matter))
