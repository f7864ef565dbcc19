"""Every stable code raised anywhere in backend/ says itself in both languages, with every
placeholder one that each raise site fills."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections import defaultdict
from pathlib import Path

import pytest

import backend
from backend.errors import DomainError, TooManyRequests
from backend.i18n.messages import duration, message, placeholders
from backend.i18n.table import MESSAGES
from backend.throttle.errors import LimiterUnavailable

BACKEND = Path(backend.__file__).parent
# Details every error of these classes carries, whatever its raise site passes.
ALWAYS = {"retry_after"}


def _error_classes() -> dict[str, type[DomainError]]:
    found: dict[str, type[DomainError]] = {}
    for module in pkgutil.walk_packages(backend.__path__, "backend."):
        if module.name.endswith("__main__") or ".migrations." in module.name:
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if inspect.isclass(value) and issubclass(value, DomainError):
                found[name] = value
    return found


CLASSES = _error_classes()


def _calls() -> list[tuple[str, ast.Call, Path]]:
    calls = []
    for path in sorted(BACKEND.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = (
                    func.id
                    if isinstance(func, ast.Name)
                    else func.attr
                    if isinstance(func, ast.Attribute)
                    else ""
                )
                calls.append((name, node, path))
    return calls


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_default_code(node: ast.AST) -> bool:
    # codes.get(status, "http_error"): the code of any other HTTP error
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "codes"
        and len(node.args) == 2
        and isinstance(node.args[1], ast.Constant)
    )


def raised_codes() -> dict[str, list[set[str]]]:
    """Every code in backend/ → the detail names each of its raise sites fills."""
    sites: dict[str, list[set[str]]] = defaultdict(list)
    for cls in CLASSES.values():
        sites.setdefault(cls.code, [])
    for name, call, path in _calls():
        if name in CLASSES:
            cls = CLASSES[name]
            given = _keyword(call, "code")
            if given is not None and not isinstance(given, ast.Constant):
                continue  # passes another error's code on (its own raise site is counted)
            code = given.value if isinstance(given, ast.Constant) else cls.code
            kwargs = {k.arg for k in call.keywords if k.arg and k.arg != "code"}
            if issubclass(cls, TooManyRequests | LimiterUnavailable):
                kwargs |= ALWAYS
            sites[str(code)].append(kwargs)
        elif name == "_error" and path.name == "app.py" and isinstance(call.args[1], ast.Constant):
            sites[str(call.args[1].value)].append(set())  # the app's own answers
    app_tree = ast.parse((BACKEND / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(app_tree):  # the codes of Starlette's own HTTP errors
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            if any(isinstance(t, ast.Name) and t.id == "codes" for t in node.targets):
                for value in node.value.values:
                    assert isinstance(value, ast.Constant)
                    sites[str(value.value)].append(set())
        elif _is_default_code(node):
            assert isinstance(node, ast.Call) and isinstance(node.args[1], ast.Constant)
            sites[str(node.args[1].value)].append(set())
    return sites


SITES = raised_codes()


def test_the_walk_finds_the_codes_it_should() -> None:
    # A walk that found nothing would make the tests below pass vacuously.
    assert len(SITES) > 100
    for code in ("in_another_folder", "login_locked", "invalid_email", "client_gone"):
        assert code in SITES
    assert {"database_busy", "internal_error", "no_such_endpoint", "http_error"} <= set(SITES)


def test_every_code_raised_has_english_and_chinese() -> None:
    missing = sorted(code for code in SITES if code not in MESSAGES)
    assert missing == []
    for code, (english, chinese) in MESSAGES.items():
        assert english.strip() and chinese.strip(), code
        assert any("\u4e00" <= c <= "\u9fff" for c in chinese), f"{code}: not Chinese"


def test_the_table_names_no_code_that_is_never_raised() -> None:
    assert sorted(set(MESSAGES) - set(SITES)) == []


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_placeholder_is_filled_by_every_raise_site(code: str) -> None:
    english, chinese = MESSAGES[code]
    assert placeholders(english) == placeholders(chinese)
    filled = set.intersection(*SITES[code]) if SITES[code] else set()
    if not SITES[code]:  # only raised under its class's default: details of the class only
        cls = next(c for c in CLASSES.values() if c.code == code)
        filled = ALWAYS if issubclass(cls, TooManyRequests | LimiterUnavailable) else set()
    assert placeholders(english) <= filled
    sample = {"retry_after": 1, "maximum": 20, "trips": [1], "field": "to", "fields": []}
    details = {k: v for k, v in sample.items() if k in filled}
    assert message(code, "en", details) and message(code, "zh", details)


def test_english_says_one_second_and_many_seconds() -> None:
    assert duration(1, "en") == "1 second"
    assert duration(2, "en") == "2 seconds"
    assert duration(60, "en") == "1 minute"
    assert duration(61, "en") == "2 minutes"
    assert duration(7200, "en") == "2 hours"
    assert duration(30, "zh") == "30 秒"
    assert message("login_locked", "en", {"retry_after": 1}) == (
        "too many wrong passwords; try again in 1 second"
    )
    assert "1 秒后再试" in (message("login_locked", "zh", {"retry_after": 1}) or "")


def test_a_missing_detail_gives_no_message_rather_than_an_error() -> None:
    assert message("trip_count_out_of_range", "zh", {}) is None
    assert message("no_such_code", "zh", {}) is None


def test_english_is_the_raise_sites_sentence_or_else_the_tables() -> None:
    from backend.errors import TooManyRequests as Slow
    from backend.i18n.messages import in_language

    assert in_language(Slow("wait a bit", retry_after=3), "en") == "wait a bit"
    assert in_language(Slow("", retry_after=1), "en") == "too many requests; try again in 1 second"
    assert in_language(Slow("", retry_after=90), "zh") == "操作太频繁，请 2 分钟后再试。"
