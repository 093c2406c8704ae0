"""examples/quickstart.ipynb runs top to bottom on a real Jupyter kernel and shows cited, flagged answers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

NOTEBOOK = PROJECT_ROOT / "examples" / "quickstart.ipynb"
KERNEL = "candor-test"


def _kernelspec(root: Path) -> None:
    """A kernelspec for this virtualenv's Python, findable through JUPYTER_PATH."""
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "Candor test", "language": "python"}))


def _outputs(cell: dict[str, Any], mime: str) -> str:
    return "".join(
        o.get("text", "") if mime == "stream" else "".join(o.get("data", {}).get(mime, ""))
        for o in cell.get("outputs", [])
        if (o["output_type"] == "stream") == (mime == "stream")
    )


def test_quickstart_notebook_executes_and_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat
    from nbclient import NotebookClient

    _kernelspec(tmp_path / "jupyter")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))  # the kernel imports this checkout
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    for var in ("CANDOR_MODEL", "CANDOR_STORE", "CHROMA_HOST", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on any failing cell

    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.get("outputs", []) if o["output_type"] == "error"]
    setup, ingest, ask, _quotes, flags, markdown, _close = code

    assert "offline" in _outputs(setup, "stream")
    summary = _outputs(ingest, "stream")
    assert " 0 failed" in summary and "chunks" in summary

    answer_html = _outputs(ask, "text/html")
    assert 'class="candor-cite"' in answer_html and "<blockquote>" in answer_html  # citations with quotes
    assert "References" in answer_html
    flags_html = _outputs(flags, "text/html")
    assert 'class="candor-flag"' in flags_html and "candor-flagged" in flags_html  # flags marked
    assert "<script" not in answer_html + flags_html

    exported = _outputs(markdown, "stream")
    assert "**References**" in exported and "\n1. " in exported
