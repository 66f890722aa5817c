"""A local HTTP server on 127.0.0.1 that answers ``POST /v1/chat/completions`` as OpenAI
does, so the real ``openai`` client runs against it: JSON answers, server-sent-event
streams (with a usage chunk when ``stream_options.include_usage`` asks), and tool calls.

What it answers depends on the request:
- the last message is a tool result: the final answer, ``"It is 21C in Paris."``;
- the request offers tools: one call of ``get_weather`` with ``{"city": "Paris"}``;
- the last message says ``"fail"``: HTTP 500 with an OpenAI error body;
- else ``"Hello!"``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["MODEL", "TOOL_CALL_ID", "openai_server"]

MODEL = "gpt-4o-mini-2024-07-18"
TOOL_CALL_ID = "call_weather_1"
USAGE = {
    "prompt_tokens": 42,
    "completion_tokens": 7,
    "total_tokens": 49,
    "prompt_tokens_details": {"cached_tokens": 10},
    "completion_tokens_details": {"reasoning_tokens": 2},
}


def _answer(request: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]], str]:
    last = request["messages"][-1]
    if last.get("role") == "tool":
        return "It is 21C in Paris.", [], "stop"
    if request.get("tools"):
        call = {
            "id": TOOL_CALL_ID,
            "type": "function",
            "function": {"name": "get_weather", "arguments": json.dumps({"city": "Paris"})},
        }
        return None, [call], "tool_calls"
    return "Hello!", [], "stop"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if request["messages"][-1].get("content") == "fail":
            self._json(500, {"error": {"message": "the model is overloaded", "type": "server_error"}})
            return
        content, tools, finish = _answer(request)
        if request.get("stream"):
            self._stream(request, content, tools, finish)
            return
        message = {"role": "assistant", "content": content, "tool_calls": tools or None}
        self._json(
            200,
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 1_700_000_000,
                "model": MODEL,
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": USAGE,
            },
        )

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(
        self, request: dict[str, Any], content: str | None, tools: list[dict[str, Any]], finish: str
    ) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        base = {
            "id": "chatcmpl-2",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": MODEL,
        }
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        for word in (content or "").split(" "):
            deltas.append({"content": word if len(deltas) == 1 else f" {word}"})
        for i, tool in enumerate(tools):
            head = {
                "index": i,
                "id": tool["id"],
                "type": "function",
                "function": {"name": tool["function"]["name"], "arguments": ""},
            }
            deltas.append({"tool_calls": [head]})
            arguments = tool["function"]["arguments"]
            for half in (arguments[: len(arguments) // 2], arguments[len(arguments) // 2 :]):
                deltas.append({"tool_calls": [{"index": i, "function": {"arguments": half}}]})
        chunks = [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
        chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
        if (request.get("stream_options") or {}).get("include_usage"):
            chunks.append({**base, "choices": [], "usage": USAGE})
        for chunk in chunks:
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")


@contextmanager
def openai_server() -> Iterator[str]:
    """Serve on a free port for the block; yield the base URL a client takes."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
