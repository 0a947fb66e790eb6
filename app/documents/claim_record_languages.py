"""The languages a claim's record prints: English, which binds, beside each party's own.

A claim between MCCT (China) and Wah Nobel (Pakistan) prints English, Chinese and Urdu, so
either side, and a bank or court on either side, reads it whoever exported it. A party of
another country adds no language (English serves it).

The record's fixed headings are printed text, like the trade documents' bilingual labels
(``app.documents.labels``), not interface strings: they are written here in each language,
so a record rendered before a catalogue is complete still prints every one.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import LazyString, force_locale

ENGLISH = "en"
# A party's language by its country: what its people read at home.
LANGUAGE_BY_COUNTRY = {"CN": "zh_Hans", "PK": "ur"}
# The HTML ``lang`` and direction of each printed language.
HTML_LANG = {"en": ("en", "ltr"), "zh_Hans": ("zh-Hans", "ltr"), "ur": ("ur", "rtl")}
# Records exported before the record named its languages printed English and Chinese.
EARLIER_LANGUAGES = ["en", "zh_Hans"]


def record_languages(countries: Iterable[str | None]) -> list[str]:
    """English, then each party's language once, in the order of ``countries``."""
    languages = [ENGLISH]
    for country in countries:
        language = LANGUAGE_BY_COUNTRY.get(country or "")
        if language is not None and language not in languages:
            languages.append(language)
    return languages


def in_languages(text: LazyString | str, languages: list[str]) -> list[str]:
    """``text`` (a translatable string) in each of ``languages``, in order."""
    texts = []
    for language in languages:
        with force_locale(language):
            texts.append(str(text))
    return texts


# Headings of the record: key -> English, Chinese, Urdu.
HEADINGS: dict[str, dict[str, str]] = {
    "claim_file": {"en": "Claim file", "zh_Hans": "索赔档案", "ur": "دعوے کی فائل"},
    "claim": {"en": "Claim", "zh_Hans": "索赔", "ur": "دعویٰ"},
    "claim_no": {"en": "Claim No.", "zh_Hans": "索赔编号", "ur": "دعویٰ نمبر"},
    "type": {"en": "What went wrong", "zh_Hans": "问题类型", "ur": "مسئلے کی نوعیت"},
    "filed": {"en": "Filed", "zh_Hans": "提出时间", "ur": "دائر کیا گیا"},
    "asked": {"en": "Amount asked", "zh_Hans": "索赔金额", "ur": "مطلوبہ رقم"},
    "status": {"en": "Status", "zh_Hans": "状态", "ur": "حیثیت"},
    "statement": {"en": "Buyer's statement", "zh_Hans": "买方陈述", "ur": "خریدار کا بیان"},
    "answer": {"en": "Seller's answer", "zh_Hans": "卖方答复", "ur": "فروخت کنندہ کا جواب"},
    "decision": {
        "en": "Decision or agreement",
        "zh_Hans": "裁决或协议",
        "ur": "فیصلہ یا معاہدہ",
    },
    "outcome": {"en": "Outcome", "zh_Hans": "结果", "ur": "نتیجہ"},
    "lines": {"en": "Lines concerned", "zh_Hans": "涉及的明细", "ur": "متعلقہ اشیاء"},
    "goods": {"en": "Goods", "zh_Hans": "货物", "ur": "سامان"},
    "ordered": {"en": "Ordered", "zh_Hans": "订购数量", "ur": "آرڈر کی مقدار"},
    "claimed": {"en": "Claimed", "zh_Hans": "索赔数量", "ur": "دعوے کی مقدار"},
    "amount": {"en": "Amount", "zh_Hans": "金额", "ur": "رقم"},
    "timeline": {"en": "Timeline", "zh_Hans": "时间线", "ur": "واقعات کی ترتیب"},
    "evidence": {"en": "Evidence", "zh_Hans": "证据", "ur": "شواہد"},
    "inspections": {"en": "Independent inspections", "zh_Hans": "独立检验", "ur": "آزاد معائنے"},
    "messages": {"en": "Messages", "zh_Hans": "消息", "ur": "پیغامات"},
    "credit_note": {"en": "Credit note", "zh_Hans": "贷项通知单", "ur": "کریڈٹ نوٹ"},
    "bank_reference": {"en": "Bank reference", "zh_Hans": "银行参考号", "ur": "بینک حوالہ"},
    "follow_up": {"en": "Replacement order", "zh_Hans": "补发订单", "ur": "متبادل آرڈر"},
    "times": {
        "en": "Times are in %(zone)s.",
        "zh_Hans": "时间均为 %(zone)s。",
        "ur": "تمام اوقات %(zone)s کے مطابق ہیں۔",
    },
    "footer": {
        "en": "The claim's file as it stood when this record was issued. Evidence files are"
        " identified by their SHA-256.",
        "zh_Hans": "本记录为出具时的索赔档案。证据文件以其SHA-256标识。",
        "ur": "یہ دعوے کی فائل ہے جیسی یہ ریکارڈ جاری ہوتے وقت تھی۔ شواہد کی فائلیں ان کے"
        " SHA-256 سے پہچانی جاتی ہیں۔",
    },
}


def heading(key: str, languages: list[str]) -> list[str]:
    """A heading in each of ``languages`` (English where a language has none)."""
    texts = HEADINGS[key]
    return [texts.get(language, texts[ENGLISH]) for language in languages]
