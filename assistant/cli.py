"""The `candor` command line: a thin face over ResearchAssistant."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.settings import SAMPLES_DIR, Settings
from assistant.types import Answer, Flag
from ingest.pipeline import Progress

EPILOG = """environment: CANDOR_STORE (default store), CANDOR_MODEL + OPENAI_BASE_URL + OPENAI_API_KEY
(answer with an OpenAI-compatible model; without CANDOR_MODEL answers are extractive and offline),
CHROMA_HOST + CHROMA_PORT (use a Chroma server instead of the embedded store), CANDOR_REGISTRY
(extra contested-claims registry files)."""


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", metavar="DIR", help="library folder (default: $CANDOR_STORE, else ~/.candor)")
    common.add_argument("--collection", metavar="NAME", help="collection within the store (default: library)")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="candor",
        description="Candor: a research assistant that cites down to the sentence and flags contested "
        "claims stated as fact.",
        epilog=EPILOG,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", parents=[common], help="add files, folders or URLs to the library",
                       description="Ingest files, folders (recursively) or http(s) URLs. Unchanged sources "
                       "are skipped, changed ones replaced. Exit 0 if anything was ingested or unchanged.")
    p.add_argument("inputs", nargs="+", metavar="PATH_OR_URL", help="files, folders or URLs")
    p.add_argument("--max-file-mb", type=float, help="skip files larger than this (default 20)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("sources", parents=[common], help="list ingested sources")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("remove", parents=[common], help="remove a source and all its chunks")
    p.add_argument("source", metavar="SOURCE_ID_OR_PATH", help="a source id, path or URL")

    p = sub.add_parser("ask", parents=[common], help="answer a question with citations and flags")
    p.add_argument("question", help="the question, in quotes")
    p.add_argument("-k", type=int, help="passages to retrieve (default 6)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("flags", parents=[common], help="list flagged sentences (contested claims stated as fact)")
    p.add_argument("--source", metavar="ID_OR_PATH", help="only this source")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("ui", parents=[common], help="start the web UI")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--auth", metavar="USER:PASS", help="require this login (or set CANDOR_AUTH)")

    p = sub.add_parser("eval", parents=[common], help="run evaluation suites and write a report")
    p.add_argument("suites", nargs="+", metavar="SUITE", help="suite names or files (evals/suites/*.yaml)")
    p.add_argument("--report", metavar="DIR", help="report folder (default reports/<timestamp>)")
    p.add_argument("--compare", metavar="PREVIOUS", help="a previous report folder to compare against")
    p.add_argument("--data", metavar="PATH", help="data folder for suites that take one (SciFact)")

    p = sub.add_parser("demo", parents=[common],
                       help="ingest the bundled sample library into a fresh store and start the UI")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    max_mb = getattr(args, "max_file_mb", None)
    return Settings.from_env(
        store=args.store, collection=args.collection,
        max_file_bytes=int(max_mb * 1024 * 1024) if max_mb else None,
    )


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _progress(quiet: bool) -> Progress:
    def progress(items: Iterable[str]) -> Iterable[str]:
        from tqdm import tqdm

        bar: Iterable[str] = tqdm(list(items), desc="ingest", unit="source", file=sys.stderr, disable=quiet)
        return bar

    return progress


def _format_flag(f: Flag) -> str:
    lines = [f"- {f.title} ({f.publisher or 'unknown publisher'}, {f.source_type}) [{f.start}-{f.end}]",
             f"  \"{f.sentence}\""]
    for r in f.reasons:
        lines.append(f"    {r.kind}: {r.detail}")
        lines += [f"      evidence: {e.title}: \"{e.quote}\"" for e in r.evidence]
    return "\n".join(lines)


def _format_answer(a: Answer) -> str:
    out = [a.answer, ""]
    if a.notice:
        out.insert(0, f"note: {a.notice}\n")
    for c in a.citations:
        mark = "" if c.supported else "  (not supported by the passage)"
        page = f", p. {c.page}" if c.page else ""
        out.append(f"[{c.n}] {c.title}{page}: \"{c.quote}\"{mark}")
    if a.flags:
        out += ["", "Flagged sentences this answer relies on:"] + [_format_flag(f) for f in a.flags]
    return "\n".join(out)


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed PDFs are reported in the summary instead
    from assistant.claims.registry import RegistryError
    from assistant.library import LibraryError

    try:
        return _dispatch(args)
    except (LibraryError, RegistryError) as exc:
        print(f"candor: error: {exc}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    from assistant.api import ResearchAssistant

    if args.command == "eval":
        from evals.runner import run_cli

        return run_cli(args.suites, _settings(args), report=args.report, compare=args.compare, data=args.data)
    if args.command == "demo":
        store = args.store or tempfile.mkdtemp(prefix="candor-demo-")
        settings = Settings.from_env(store=store, collection=args.collection)
        with ResearchAssistant(settings=settings) as ra:
            print(ra.ingest([str(SAMPLES_DIR)], progress=_progress(False)).summary())
        print(f"demo library in {store}")
        return _serve(settings, args.host, args.port, None)
    if args.command == "ui":
        return _serve(_settings(args), args.host, args.port, args.auth)

    with ResearchAssistant(settings=_settings(args)) as ra:
        if args.command == "ingest":
            report = ra.ingest(args.inputs, progress=_progress(args.quiet or args.json))
            if args.json:
                _print_json(report.to_dict())
            else:
                print(report.summary())
            return 0 if report.ok else 1
        if args.command == "sources":
            rows = ra.sources()
            if args.json:
                _print_json({"sources": [r.to_dict() for r in rows]})
            else:
                for r in rows:
                    print(f"{r.source_id}  {r.title}  ({r.publisher or '-'}, {r.source_type}, {r.date or 'no date'}) "
                          f"{r.chunks} chunks, {r.flags} flags")
                print(f"{len(rows)} sources")
            return 0
        if args.command == "remove":
            removed = ra.remove(args.source)
            if removed is None:
                print(f"candor: no source {args.source!r} in the library", file=sys.stderr)
                return 1
            print(f"removed {removed}")
            return 0
        if args.command == "ask":
            if not args.question.strip():
                print("candor: error: the question is empty", file=sys.stderr)
                return 2
            answer = ra.ask(args.question, k=args.k)
            if args.json:
                _print_json(answer.to_dict())
            else:
                print(_format_answer(answer))
            return 0
        if args.command == "flags":
            try:
                flags = ra.flags(args.source)
            except KeyError as exc:
                print(f"candor: {exc.args[0]}", file=sys.stderr)
                return 1
            if args.json:
                _print_json({"flags": [f.to_dict() for f in flags]})
            else:
                print("\n".join(_format_flag(f) for f in flags) or "no flagged sentences")
            return 0
    raise AssertionError(f"unhandled command {args.command}")


def _serve(settings: Settings, host: str, port: int, auth: str | None) -> int:
    from assistant.ui import serve

    serve(settings, host=host, port=port, auth=auth)
    return 0


def main() -> None:
    sys.exit(run())
