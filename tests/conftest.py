"""Shared fixtures; every test runs behind a guard that fails any non-loopback connection."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded(real: Any) -> Any:
    def connect(self: socket.socket, address: Any) -> Any:
        if not _is_loopback(address):
            raise AssertionError(f"test tried a non-loopback connection to {address!r}")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any connection off this machine fails the test (nothing may download at run time)."""
    monkeypatch.setattr(socket.socket, "connect", _guarded(_real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded(_real_connect_ex))
    yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an embedded store in a fresh temporary folder, no model configured."""
    return Settings.from_env(env={"HOME": str(tmp_path / "home")}, store=tmp_path / "store")
