"""The Gradio web UI (`candor ui`): chat with cited, streamed answers, a source panel, library and uploads."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr

from assistant.render import CSS
from assistant.settings import Settings
from assistant.ui_state import (
    Assistants,
    ask_turns,
    cited,
    ingest_uploads,
    is_loopback,
    parse_auth,
    source_view,
)
from assistant.ui_views import (
    UI_CSS,
    Turn,
    library_html,
    status_html,
    transcript_html,
    upload_limits,
)

log = logging.getLogger(__name__)

# Citation buttons and library titles carry data attributes; one delegated listener per panel survives
# every re-render of the HTML and hands the numbers to Python as event data.
CITE_JS = """
element.addEventListener('click', (ev) => {
  const b = ev.target.closest('button.candor-cite');
  if (b && element.contains(b)) trigger('cite', {turn: Number(b.dataset.turn), n: Number(b.dataset.n)});
});
"""
OPEN_JS = """
element.addEventListener('click', (ev) => {
  const b = ev.target.closest('button.candor-open');
  if (b && element.contains(b)) trigger('open', {source_id: b.dataset.source});
});
"""
SCROLL_JS = """
watch('value', () => {  // bring the quote into view inside the source text only, keeping the header visible
  const m = element.querySelector('#candor-quote');
  const box = element.querySelector('.candor-srctext');
  if (m && box) box.scrollTop = Math.max(0, m.offsetTop - box.clientHeight / 3);
});
"""
PANEL_HINT = ('<div class="candor candor-meta" id="candor-source-hint">Click a citation such as [1] to see '
              "the quoted passage highlighted in its source.</div>")
LIBRARY_HINT = ('<div class="candor candor-meta">Click a title to read the source and its flagged sentences.'
                "</div>")


def build(settings: Settings, assistants: Assistants | None = None) -> gr.Blocks:
    """The UI's Blocks, not launched. Every action goes through ResearchAssistant."""
    pool = assistants or Assistants(settings)
    first = settings.collection

    def status(collection: str) -> str:
        return status_html(settings.model_label, collection, len(pool.get(collection).sources()))

    def choices(collection: str) -> Any:
        return gr.Dropdown(choices=pool.collections(collection), value=collection)

    with gr.Blocks(title="Candor", analytics_enabled=False) as demo:
        turns = gr.State([])
        collection_state = gr.State(first)
        with gr.Row(equal_height=True):
            gr.Markdown("## Candor\nAnswers cited down to the sentence; ⚑ marks contested claims stated "
                        "as fact.")
            status_box = gr.HTML(status(first), elem_id="candor-status-box")
            collection = gr.Dropdown(
                choices=pool.collections(first), value=first, allow_custom_value=True, label="Collection",
                info="Pick one, or type a new name to start a collection.", elem_id="candor-collection",
            )
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"), gr.Row():
                with gr.Column(scale=3):
                    transcript = gr.HTML(transcript_html([]), js_on_load=CITE_JS, elem_id="candor-transcript",
                                         min_height=300, autoscroll=True)
                    with gr.Row():
                        question = gr.Textbox(placeholder="Ask a question about your library…",
                                              show_label=False, scale=5, elem_id="candor-question")
                        ask = gr.Button("Ask", variant="primary", scale=0, min_width=90, elem_id="candor-ask")
                        clear = gr.Button("Clear chat", scale=0, min_width=120, elem_id="candor-clear")
                with gr.Column(scale=2):
                    panel = gr.HTML(PANEL_HINT, js_on_load=SCROLL_JS, elem_id="candor-source", max_height=720)
            with gr.Tab("Library", id="library"), gr.Row():
                with gr.Column(scale=3):
                    library = gr.HTML(library_html(pool.get(first).sources(), first), js_on_load=OPEN_JS,
                                      elem_id="candor-library")
                    refresh = gr.Button("Refresh", size="sm")
                    files = gr.File(file_count="multiple", label="Add sources — " + upload_limits(
                        settings.max_file_bytes), elem_id="candor-upload")
                    report = gr.HTML("", elem_id="candor-ingest")
                with gr.Column(scale=2):
                    library_panel = gr.HTML(LIBRARY_HINT, js_on_load=SCROLL_JS, max_height=720,
                                            elem_id="candor-library-source")

        def on_ask(text: str, history: list[Turn], coll: str) -> Iterator[tuple[Any, list[Turn], str]]:
            text = (text or "").strip()
            if not text:
                yield gr.skip(), history, transcript_html(history)
                return
            for i, now in enumerate(ask_turns(pool.get(coll), text, history)):
                yield ("" if i == 0 else gr.skip()), now, transcript_html(now)

        def on_cite(history: list[Turn], coll: str, evt: gr.EventData) -> str:
            citation = cited(history, getattr(evt, "_data", None) or {})
            return source_view(pool.get(coll), citation.source_id, citation) if citation else PANEL_HINT

        def on_open(coll: str, evt: gr.EventData) -> str:
            data = getattr(evt, "_data", None) or {}
            return source_view(pool.get(coll), str(data.get("source_id", "")))

        def on_collection(name: str, current: str) -> tuple[Any, ...]:
            name = (name or "").strip()
            try:
                pool.get(name)
            except Exception as exc:  # an invalid name or an unreachable store: say so, keep the current one
                gr.Warning(str(exc))
                return (current, choices(current), *[gr.skip()] * 6)
            return (name, choices(name), status(name), [], transcript_html([]), PANEL_HINT,
                    library_html(pool.get(name).sources(), name), LIBRARY_HINT)

        def on_upload(paths: Sequence[str] | None, coll: str,
                      progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 (gradio's API)
            ra = pool.get(coll)

            def bar(items: Iterable[str]) -> Iterable[str]:
                return progress.tqdm(list(items), desc="Ingesting", unit="files")  # type: ignore[no-any-return]

            folder = pool.uploads_dir(coll)
            report = ingest_uploads(ra, list(paths or []), folder, settings.max_file_bytes, bar)
            return None, report, library_html(ra.sources(), coll), status(coll)

        ask_event: dict[str, Any] = {"fn": on_ask, "inputs": [question, turns, collection_state],
                                     "outputs": [question, turns, transcript]}
        asking: list[Any] = [ask.click(**ask_event), question.submit(**ask_event)]
        clear.click(lambda: ([], transcript_html([]), PANEL_HINT), outputs=[turns, transcript, panel],
                    cancels=asking)  # stops an answer still being written
        transcript.cite(on_cite, inputs=[turns, collection_state], outputs=panel)
        library.open(on_open, inputs=collection_state, outputs=library_panel)
        collection.input(on_collection, inputs=[collection, collection_state],
                         outputs=[collection_state, collection, status_box, turns, transcript, panel, library,
                                  library_panel])
        refresh.click(lambda c: (library_html(pool.get(c).sources(), c), status(c)), inputs=collection_state,
                      outputs=[library, status_box])
        files.upload(on_upload, inputs=[files, collection_state],
                     outputs=[files, report, library, status_box])
    return demo  # type: ignore[no-any-return]


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None,
          block: bool = True, assistants: Assistants | None = None) -> gr.Blocks:
    """Launch the UI on host:port (this machine only by default), behind a login if one is given."""
    try:
        login = parse_auth(auth or settings.auth)
    except ValueError as exc:
        raise SystemExit(f"candor: error: {exc}") from exc
    if not is_loopback(host) and login is None:
        print(f"candor: warning: serving on {host} without a login; set --auth user:pass or CANDOR_AUTH",
              file=sys.stderr)
    demo = build(settings, assistants)
    demo.queue(default_concurrency_limit=4)
    demo.launch(
        server_name=host, server_port=port, auth=login, auth_message="Candor: sign in" if login else None,
        share=False, inbrowser=False, ssr_mode=False, show_error=False, prevent_thread_lock=True, quiet=True,
        max_file_size=settings.max_file_bytes, css=CSS + UI_CSS, theme=gr.themes.Soft(), footer_links=[],
        mcp_server=False, pwa=False, enable_monitoring=False,
    )
    shown = f"[{host}]" if ":" in host else host
    print(f"Candor is running at http://{shown}:{demo.server_port}"
          + (" (login required)" if login else "") + " — press Ctrl+C to stop", flush=True)
    if block:
        demo.block_thread()
    return demo
