"""The Gradio Blocks build without launching (the one unit test module that imports gradio)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.settings import Settings
from tests.ui_support import FakePool

gr = pytest.importorskip("gradio")
ui = pytest.importorskip("assistant.ui")


def _by_elem_id(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["props"]["elem_id"]: c for c in config["components"] if c.get("props", {}).get("elem_id")}


def test_build_has_every_part_and_wires_citation_clicks(settings: Settings) -> None:
    demo = ui.build(settings, FakePool(settings))
    assert isinstance(demo, gr.Blocks)
    config = demo.get_config_file()
    parts = _by_elem_id(config)
    for elem_id in ("candor-transcript", "candor-source", "candor-question", "candor-ask", "candor-clear",
                    "candor-library", "candor-library-source", "candor-upload", "candor-collection",
                    "candor-status-box"):
        assert elem_id in parts, elem_id
    assert "trigger('cite'" in parts["candor-transcript"]["props"]["js_on_load"]
    assert "trigger('open'" in parts["candor-library"]["props"]["js_on_load"]
    assert "offline" in parts["candor-status-box"]["props"]["value"]
    assert parts["candor-collection"]["props"]["allow_custom_value"] is True
    assert "up to 20 MB" in parts["candor-upload"]["props"]["label"]
    triggers = {(t[0], t[1]) for dep in config["dependencies"] for t in dep["targets"]}
    ids = {k: v["id"] for k, v in parts.items()}
    for elem_id, event in (("candor-transcript", "cite"), ("candor-library", "open"), ("candor-ask", "click"),
                           ("candor-question", "submit"), ("candor-clear", "click"), ("candor-upload", "upload"),
                           ("candor-collection", "input")):
        assert (ids[elem_id], event) in triggers, (elem_id, event)


def test_serve_rejects_a_malformed_login_before_starting(settings: Settings) -> None:
    with pytest.raises(SystemExit, match="user:password"):
        ui.serve(settings, auth="no-colon", block=False)
