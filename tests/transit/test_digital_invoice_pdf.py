"""The transit invoice PDF as a 数电票: read back with ``pdftotext -layout``, its fields come in
the 数电票's order, and a red one names its blue invoice and its 红字发票信息确认单."""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette

from backend.auth.standin import demo_openid
from backend.documents.transit import unit_price
from backend.transit.models import TransitInvoice
from tests.documents.support import write
from tests.transit.support import INVOICES, import_rows, metro, metro_admin, my_trip_ids, trip_row
from tests.wechat import login

TITLE = {"kind": "company", "name": "广州示范科技有限公司", "tax_id": "91350100M000100Y43"}


def layout_text(pdf: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return done.stdout.decode("utf-8")


def assert_in_order(text: str, fields: list[str]) -> None:
    """Each of ``fields`` is in ``text``, each after the one before it."""
    at = 0
    for field in fields:
        found = text.find(field, at)
        assert found >= 0, f"{field!r} not after {text[:at][-80:]!r}"
        at = found + len(field)


async def _pdf(client: httpx.AsyncClient, receipt: dict[str, str], tmp: Path, name: str) -> str:
    answer = await client.get(urlsplit(receipt["scan_url"]).path + "/receipt.pdf")
    assert answer.status_code == 200, answer.text
    assert receipt["number"] in answer.headers["content-disposition"]
    return layout_text(write(tmp, name, answer.content))


async def test_the_pdf_reads_in_the_digital_invoice_order(
    wx_app: Starlette, wx_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    operator = await metro(wx_app)
    rider = await login(wx_client, "demo-bo")
    await import_rows(
        wx_client, operator, [trip_row(n, openid=demo_openid("bo"), fare="4.00") for n in range(3)]
    )
    issued = await wx_client.post(
        INVOICES, json={"trips": await my_trip_ids(wx_client, rider), "title": TITLE}, headers=rider
    )
    assert issued.status_code == 201, issued.text
    blue = issued.json()["receipt"]

    text = await _pdf(wx_client, blue, tmp_path, "blue")

    lines = text.splitlines()
    number_line = next(line for line in lines if "发票号码：" in line)
    title_line = next(line for line in lines if "电子发票（普通发票）" in line)
    # Top right: the number and the date stand right of the title.
    assert number_line.index("发票号码：") > title_line.index("电子发票（普通发票）")
    assert "发票代码" not in text  # a 数电票 has none
    assert_in_order(
        text,
        [
            f"发票号码：{blue['number']}",
            "开票日期：2026年11月27日",
            "名称：广州示范科技有限公司",  # 购买方信息, left
            "名称：广州测试地铁",  # 销售方信息, right
            "统一社会信用代码/纳税人识别号：91350100M000100Y43",
            "项目名称",
            "规格型号",
            "单位",
            "数量",
            "单价",
            "金额",
            "税率/征收率",
            "税额",
            "*运输服务*客运服务费",
            "次",
            "3",
            "3.67",  # 单价 without tax: 11.01 ÷ 3
            "11.01",
            "9%",
            "0.99",
            "合 计",
            "¥11.01",
            "¥0.99",
            "价税合计（大写）",
            "壹拾贰元整",
            "（小写）",
            "¥12.00",
            "行程明细",
            f"查验校验码：{blue['check_code']}",  # 备注
            "开票人：电子发票服务",
        ],
    )

    admin = await metro_admin(wx_app, operator)
    reversed_ = await wx_client.post(
        f"/api/v1/transit/invoices/{blue['id']}/reversal",
        json={"reason": "开票有误"},
        headers=admin.headers,
    )
    assert reversed_.status_code in (200, 201), reversed_.text
    red = reversed_.json()["receipt"]
    confirmation = (await TransitInvoice.get(receipt_id=red["id"])).red_confirmation
    assert confirmation is not None and len(confirmation) == 20

    red_text = await _pdf(wx_client, red, tmp_path, "red")

    assert_in_order(
        red_text,
        [
            f"发票号码：{red['number']}",
            "开票日期：",
            f"对应蓝字发票号码：{blue['number']}",
            "*运输服务*客运服务费",
            "-3",
            "-11.01",
            "-0.99",
            "负壹拾贰元整",
            "¥-12.00",
            f"被红冲蓝字数电发票号码：{blue['number']} 红字发票信息确认单编号：{confirmation}",
            "冲红原因：开票有误",
            "开票人：",
        ],
    )


def test_unit_price_is_the_amount_per_trip_without_tax() -> None:
    assert unit_price(1101, 3) == "3.67"
    assert unit_price(3303, 8) == "4.12875"
    assert unit_price(1000, 3) == "3.33333333"  # eight places, as issued
    assert unit_price(-1101, -3) == "3.67"  # a red invoice: quantity and amount negative
    assert unit_price(600, 2) == "3.00"
    assert unit_price(0, 0) == ""
