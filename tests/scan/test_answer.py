"""The scan answer is one typed model: the JSON it sends is byte for byte what the page's dict
used to be, and the H5 page renders the same model."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

from backend.anchoring.services import AnchorState, LedgerState
from backend.scan.records import ScanItem, ScanRecord
from backend.scan.schemas import ScanAnswer, scan_answer
from backend.templating import template_environment
from backend.web import json_answer

TOKEN = "T" * 32
# As the dict-shaped answer wrote it, keys in this order.
EXPECTED = {
    "receipt": {
        "kind": "medical",
        "code": "44010126",
        "number": "0000000001",
        "issued_at": "2026-11-28T01:05:07+08:00",
        "status": "reversed",
        "issuer": {"name": "医院<&>"},
        "payer": {"name": "张*三", "id_number": "4401**********1234"},
        "visit": {"type": "住院", "department": "内科", "date": "2026-11-20"},
        "items": [
            {
                "category": "西药费",
                "name": "阿莫西林胶囊",
                "quantity": "2",
                "unit": "盒",
                "amount": "85.60",
            },
            {
                "category": "检查费",
                "name": 'x"y',
                "quantity": "0.5",
                "unit": "次",
                "amount": "0.00",
            },
        ],
        "payment": {"fund": "0.01", "other": "0.02", "account": "0.03", "cash": "85.54"},
        "total": "85.60",
        "total_in_capitals": "捌拾伍元陆角整",
        "reverses": {"code": "44010126", "number": "0000000009"},
        "reversed": True,
    },
    "ledger": {"state": "anchored", "leaf_index": 1},
    "links": {
        "pdf": f"/s/{TOKEN}/receipt.pdf",
        "proof": f"/s/{TOKEN}/proof",
        "email": f"/s/{TOKEN}/email",
    },
}


def _record() -> ScanRecord:
    return ScanRecord(
        receipt_id=uuid.uuid4(),
        kind="medical",
        code="44010126",
        number="0000000001",
        issued_at=datetime(2026, 11, 27, 17, 5, 7, tzinfo=UTC),  # the 28th in China
        status="reversed",
        payer_name="张小三",
        payer_id_number="440101199001011234",
        visit_type="inpatient",
        department="内科",
        visit_start=date(2026, 11, 20),
        total_fen=8560,
        fund_fen=1,
        other_fen=2,
        account_fen=3,
        cash_fen=8554,
        issuer_name="医院<&>",
        reverses=("44010126", "0000000009"),
        reversed=True,
        leaf_index=1,
        items=(
            ScanItem(1, "西药费", "阿莫西林胶囊", "2", "盒", 8560),
            ScanItem(2, "检查费", 'x"y', "0.5", "次", 0),
        ),
    )


def test_the_json_answer_is_what_the_dict_answer_was_byte_for_byte() -> None:
    answer = scan_answer(_record(), LedgerState(AnchorState.ANCHORED, 1), token=TOKEN)
    assert isinstance(answer, ScanAnswer)
    expected = json.dumps(EXPECTED, ensure_ascii=False, separators=(",", ":")).encode()
    assert json_answer(answer).body == expected


def test_the_page_renders_the_model_with_the_time_in_china_to_the_minute() -> None:
    answer = scan_answer(_record(), LedgerState(AnchorState.ANCHORED, 1), token=TOKEN)
    page = (
        template_environment()
        .get_template("scan/receipt.html")
        .render(view=answer, token=TOKEN, emailed=None, email_error=None, email_value="")
    )
    assert "开票时间 2026-11-28 01:05 ·" in page
    assert "阿莫西林胶囊" in page and "医院&lt;&amp;&gt;" in page
    assert f'href="/s/{TOKEN}/receipt.pdf"' in page and "红字" not in page
