"""Users of `fazhi serve`: who they are, what they may see, and their passwords (argon2)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from storage.review import REVIEWER, ROLES, UNIT, User, all_users, find_user

_hasher = PasswordHasher()


class UserError(Exception):
    """A user cannot be added or changed; the message is one line for the operator."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def add_user(session: Session, name: str, role: str, unit: str | None, password: str, units: set[str] | None,
             county: str | None = None) -> User:
    """units: the configured units' names, which a unit user's unit must be one of; county: the
    county the user sees (a unit user's always; None makes a reviewer of every county of the store)."""
    if role not in ROLES:
        raise UserError(f"角色只能是 {' 或 '.join(ROLES)}：{role}")
    if not name.strip():
        raise UserError("用户名不能为空")
    if find_user(session, name) is not None:
        raise UserError(f"用户 {name} 已存在")
    if role == UNIT and not unit:
        raise UserError("单位用户须用 --unit 指定所属单位")
    if role == REVIEWER and unit:
        raise UserError("复核人员不属于某一单位，不能指定 --unit")
    if role == UNIT and (units is None or unit not in units or county is None):
        raise UserError(f"配置中没有单位 {unit}（须用 --config 指定县的配置文件，单位名与配置一致）")
    user = User(name=name, role=role, unit=unit, county=county, password_hash=hash_password(_checked(password)))
    session.add(user)
    session.commit()
    return user


def set_password(session: Session, name: str, password: str) -> None:
    user = find_user(session, name)
    if user is None:
        raise UserError(f"没有用户 {name}")
    user.password_hash = hash_password(_checked(password))
    session.commit()


def user_lines(session: Session) -> list[str]:
    return [f"{user.name}\t{user.role}\t{user.county or '全部县'}\t{user.unit or '—'}" for user in all_users(session)]


def _checked(password: str) -> str:
    if not password:
        raise UserError("密码不能为空")
    return password
