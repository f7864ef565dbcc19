"""JSON answers: compact UTF-8, the same bytes the standard library would write."""

from __future__ import annotations

import json

from backend.web import json_answer


def test_a_dict_answer_is_compact_utf8_as_json_dumps_writes_it() -> None:
    payload = {
        "receipt": {"issuer": {"name": "广州市第一人民医院"}, "total": "85.60", "reversed": False},
        "items": [{"name": "阿莫西林胶囊", "quantity": "0.5"}, {"name": 'a "quoted" \\ name'}],
        "ledger": {"state": "anchored", "leaf_index": 2**40, "missing": None},
        "control": "tab\there\nnewline \u2028",
    }
    answer = json_answer(payload, headers={"Cache-Control": "no-store"})
    assert answer.body == json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    assert answer.media_type == "application/json"
    assert answer.headers["cache-control"] == "no-store"
