"""A small fake OpenAI-compatible server on 127.0.0.1: real HTTP, SSE streaming, scripted replies."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """What the server does with one request.

    kind: "text" (a completion, streamed as SSE when the request asks for it), "status" (an HTTP error
    with an OpenAI-style error body), "garbage" (200 with a body that is not the protocol), "slow"
    (answers `text` only after `delay` seconds), "stall" (streams the first `stall_after` characters,
    then goes silent for `delay` seconds), "bad-sse" (an event stream whose events are not JSON).
    """

    kind: str = "text"
    text: str = ""
    status: int = 500
    delay: float = 0.0
    stall_after: int = 0
    chunk_chars: int = 7


Script = Callable[[dict[str, Any]], Reply]


def text(content: str) -> Reply:
    return Reply("text", content)


def prompt_of(request: dict[str, Any]) -> str:
    """The last user message of a chat request."""
    users = [m for m in request.get("messages", []) if m.get("role") == "user"]
    content = users[-1]["content"] if users else ""
    return content if isinstance(content, str) else " ".join(p.get("text", "") for p in content)


def passages(request: dict[str, Any]) -> dict[int, str]:
    """The numbered passages of an answer request, by number."""
    found = re.findall(r'<passage-(\w+) n="(\d+)"[^>]*>\n(.*?)\n</passage-\1>', prompt_of(request), re.S)
    return {int(n): body for _, n, body in found}


def is_condense(request: dict[str, Any]) -> bool:
    return "Standalone question:" in prompt_of(request)


class FakeOpenAI:
    """Start with `with FakeOpenAI(script) as server:`; `server.url` is an OpenAI `base_url`."""

    def __init__(self, script: Script | None = None) -> None:
        self.script: Script = script or (lambda _req: text("Hello."))
        self.requests: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()  # releases handlers that are "slow" or "stalled"
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if not is_condense(r)]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    self._json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._json(404, {"error": {"message": "not found"}})
                    return
                request = json.loads(body or b"{}")
                fake.requests.append(request)
                reply = fake.script(request)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
                    self._reply(request, reply)

            def _reply(self, request: dict[str, Any], reply: Reply) -> None:
                if reply.kind == "slow" and fake._stop.wait(reply.delay):
                    return
                if reply.kind == "status":
                    self._json(reply.status, {"error": {"message": "scripted failure", "type": "server_error"}})
                    return
                if reply.kind == "garbage":
                    self._raw(200, b"<html>definitely not json" + bytes(range(200, 256)),
                              "application/json")
                    return
                if reply.kind == "bad-sse":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    self.wfile.write(b"data: {\"choices\": [{\"delta\": \n\ndata: oops}\n\n")
                    self.wfile.flush()
                    return
                if request.get("stream"):
                    self._stream(request, reply)
                else:
                    self._json(200, _completion(request, reply.text))

            def _stream(self, request: dict[str, Any], reply: Reply) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for i, piece in enumerate(_pieces(reply)):
                    if reply.kind == "stall" and i == 1 and fake._stop.wait(reply.delay):
                        return
                    self._event(_chunk(request, {"content": piece}, None))
                self._event(_chunk(request, {}, "stop"))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, obj: dict[str, Any]) -> None:
                self.wfile.write(f"data: {json.dumps(obj)}\n\n".encode())
                self.wfile.flush()

            def _json(self, status: int, obj: dict[str, Any]) -> None:
                self._raw(status, json.dumps(obj).encode(), "application/json")

            def _raw(self, status: int, data: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()

        return Handler


def _pieces(reply: Reply) -> Iterator[str]:
    if reply.kind == "stall":
        yield reply.text[: reply.stall_after]
        yield reply.text[reply.stall_after :]
        return
    for i in range(0, len(reply.text), reply.chunk_chars):
        yield reply.text[i : i + reply.chunk_chars]


def _chunk(request: dict[str, Any], delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
        "model": request.get("model", "fake"),
        "choices": [{"index": 0, "delta": {"role": "assistant", **delta}, "finish_reason": finish}],
    }


def _completion(request: dict[str, Any], content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
        "model": request.get("model", "fake"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
