"""A local HTTP server on 127.0.0.1 that answers as the providers' APIs do, so the real
``openai`` and ``anthropic`` clients run against it: ``POST /v1/chat/completions`` as
OpenAI (JSON, server-sent events with a usage chunk when ``stream_options.include_usage``
asks, tool calls) and ``POST /v1/messages`` as Anthropic (JSON, its event stream, tool use).

What it answers depends on the request, on both:
- the last message is a tool result (OpenAI) or holds one (Anthropic): the final answer,
  ``"It is 21C in Paris."``;
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

__all__ = ["ANTHROPIC_MODEL", "MODEL", "TOOL_CALL_ID", "TOOL_USE_ID", "provider_server"]

MODEL = "gpt-4o-mini-2024-07-18"
ANTHROPIC_MODEL = "claude-sonnet-4-20250514"
TOOL_CALL_ID = "call_weather_1"
TOOL_USE_ID = "toolu_weather_1"
ANTHROPIC_USAGE = {
    "input_tokens": 30,
    "output_tokens": 5,
    "cache_read_input_tokens": 12,
    "cache_creation_input_tokens": 0,
}
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
        if self.path.endswith("/messages"):
            self._anthropic(request)
            return
        if self.path.endswith("/responses"):
            self._responses(request)
            return
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

    def _anthropic(self, request: dict[str, Any]) -> None:
        last = request["messages"][-1]
        content = last.get("content")
        if content == "fail":
            self._json(529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
            return
        holds_result = isinstance(content, list) and any(b.get("type") == "tool_result" for b in content)
        if holds_result:
            blocks: list[dict[str, Any]] = [{"type": "text", "text": "It is 21C in Paris."}]
            stop = "end_turn"
        elif request.get("tools"):
            blocks = [
                {"type": "tool_use", "id": TOOL_USE_ID, "name": "get_weather", "input": {"city": "Paris"}}
            ]
            stop = "tool_use"
        else:
            blocks, stop = [{"type": "text", "text": "Hello!"}], "end_turn"
        message = {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": ANTHROPIC_MODEL,
            "content": blocks,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": ANTHROPIC_USAGE,
        }
        if not request.get("stream"):
            self._json(200, message)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        start = {
            **message,
            "content": [],
            "stop_reason": None,
            "usage": {**ANTHROPIC_USAGE, "output_tokens": 1},
        }
        events: list[tuple[str, dict[str, Any]]] = [
            ("message_start", {"type": "message_start", "message": start})
        ]
        for i, block in enumerate(blocks):
            if block["type"] == "text":
                head: dict[str, Any] = {"type": "text", "text": ""}
                words = block["text"].split(" ")
                deltas = [
                    {"type": "text_delta", "text": w if j == 0 else f" {w}"} for j, w in enumerate(words)
                ]
            else:
                head = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
                text = json.dumps(block["input"])
                deltas = [{"type": "input_json_delta", "partial_json": part} for part in (text[:5], text[5:])]
            events.append(
                ("content_block_start", {"type": "content_block_start", "index": i, "content_block": head})
            )
            events += [
                ("content_block_delta", {"type": "content_block_delta", "index": i, "delta": d})
                for d in deltas
            ]
            events.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
        delta = {"stop_reason": stop, "stop_sequence": None}
        events.append(
            ("message_delta", {"type": "message_delta", "delta": delta, "usage": {"output_tokens": 5}})
        )
        events.append(("message_stop", {"type": "message_stop"}))
        for name, data in events:
            self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())

    def _responses(self, request: dict[str, Any]) -> None:
        given = request.get("input")
        items = [{"role": "user", "content": given}] if isinstance(given, str) else given
        if items[-1].get("type") == "function_call_output":
            output: list[dict[str, Any]] = [
                {
                    "type": "message",
                    "id": "msg_2",
                    "role": "assistant",
                    "status": "completed",
                    "content": [{"type": "output_text", "text": "It is 21C in Paris.", "annotations": []}],
                }
            ]
        elif request.get("tools"):
            arguments = json.dumps({"city": "Paris"})
            output = [
                {
                    "type": "function_call",
                    "id": "fc_1",
                    "call_id": TOOL_CALL_ID,
                    "name": "get_weather",
                    "arguments": arguments,
                    "status": "completed",
                }
            ]
        else:
            output = [
                {
                    "type": "message",
                    "id": "msg_1",
                    "role": "assistant",
                    "status": "completed",
                    "content": [{"type": "output_text", "text": "Hello!", "annotations": []}],
                }
            ]
        usage = {
            "input_tokens": 42,
            "output_tokens": 7,
            "total_tokens": 49,
            "input_tokens_details": {"cached_tokens": 10},
            "output_tokens_details": {"reasoning_tokens": 2},
        }
        response = {
            "id": "resp_1",
            "object": "response",
            "created_at": 1_700_000_000,
            "model": MODEL,
            "status": "completed",
            "output": output,
            "usage": usage,
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": request.get("tools") or [],
        }
        if not request.get("stream"):
            self._json(200, response)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        started = {**response, "status": "in_progress", "output": [], "usage": None}
        events: list[dict[str, Any]] = [{"type": "response.created", "response": started}]
        for item in output:
            for part in item.get("content", []):
                for word in part["text"].split(" "):
                    events.append(
                        {
                            "type": "response.output_text.delta",
                            "item_id": item["id"],
                            "output_index": 0,
                            "content_index": 0,
                            "delta": word,
                        }
                    )
        events.append({"type": "response.completed", "response": response})
        for number, event in enumerate(events):
            event["sequence_number"] = number
            self.wfile.write(f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode())


@contextmanager
def provider_server() -> Iterator[str]:
    """Serve on a free port for the block; yield its root URL (OpenAI clients take it with
    ``/v1`` appended, Anthropic clients as it is)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
