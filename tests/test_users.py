"""`fazhi user add / passwd / list`: the people who may review, and the unit each unit user answers for."""

from __future__ import annotations

import io

import pytest

from fazhi.cli import main
from small_county import write_config
from storage.db import open_engine, session_factory
from storage.review import find_user
from web.users import password_matches


@pytest.fixture
def store(tmp_path):
    return f"sqlite:///{tmp_path / 'fazhi.db'}"


@pytest.fixture
def config(tmp_path):
    return str(write_config(tmp_path, "http://127.0.0.1:9/"))


def fazhi(monkeypatch, *args: str, password: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(list(args))


def stored_user(url: str, name: str):
    with session_factory(open_engine(url))() as session:
        return find_user(session, name)


def test_a_reviewer_and_a_unit_user_are_added_with_hashed_passwords_and_listed(monkeypatch, capsys, store, config):
    assert fazhi(monkeypatch, "user", "add", "张审核", "--role", "reviewer", "--db", store, password="s3cret-审核") == 0
    assert fazhi(monkeypatch, "user", "add", "司法局小李", "--role", "unit", "--unit", "县司法局",
                 "--config", config, "--db", store, password="li-pass") == 0

    reviewer = stored_user(store, "张审核")
    assert reviewer.password_hash.startswith("$argon2") and "s3cret" not in reviewer.password_hash
    assert password_matches(reviewer, "s3cret-审核") and not password_matches(reviewer, "s3cret")
    capsys.readouterr()
    assert fazhi(monkeypatch, "user", "list", "--db", store) == 0
    assert capsys.readouterr().out.splitlines() == ["司法局小李\tunit\t测试县\t县司法局", "张审核\treviewer\t全部县\t—"]


def test_passwd_changes_the_password(monkeypatch, store):
    fazhi(monkeypatch, "user", "add", "张审核", "--role", "reviewer", "--db", store, password="old")
    assert fazhi(monkeypatch, "user", "passwd", "张审核", "--db", store, password="new") == 0
    user = stored_user(store, "张审核")
    assert password_matches(user, "new") and not password_matches(user, "old")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("user", "add", "小李", "--role", "unit", "--unit", "县公安局", "--config", "{config}"), "配置中没有单位 县公安局"),
        (("user", "add", "小李", "--role", "unit", "--unit", "县司法局"), "配置中没有单位 县司法局"),
        (("user", "add", "小李", "--role", "unit", "--config", "{config}"), "单位用户须用 --unit 指定所属单位"),
        (("user", "add", "张审核", "--role", "reviewer"), "用户 张审核 已存在"),
        (("user", "passwd", "无此人"), "没有用户 无此人"),
    ],
)
def test_a_wrong_user_command_says_why_in_one_line_and_adds_nothing(monkeypatch, capsys, store, config, args, message):
    fazhi(monkeypatch, "user", "add", "张审核", "--role", "reviewer", "--db", store, password="pw")
    capsys.readouterr()

    assert fazhi(monkeypatch, *(arg.format(config=config) for arg in args), "--db", store, password="pw") == 2
    error = capsys.readouterr().err
    assert error.startswith(f"fazhi: {message}") and error.count("\n") == 1
    assert stored_user(store, "小李") is None


def test_an_empty_password_is_refused(monkeypatch, capsys, store):
    assert fazhi(monkeypatch, "user", "add", "张审核", "--role", "reviewer", "--db", store, password="") == 2
    assert capsys.readouterr().err == "fazhi: 密码不能为空\n"
    assert stored_user(store, "张审核") is None
