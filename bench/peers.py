"""What users would pick instead, measured in the same run (the optional ``peers`` extra):
LangChain's ``SQLChatMessageHistory`` on SQLite, and an OpenTelemetry span per LLM call
with a ``BatchSpanProcessor``. Skipped, with a note, when not installed.
"""

from __future__ import annotations

import random
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common import Result, ms, percentile, us
from workload import pools

from llm_memory_graph import MemoryGraph

__all__ = ["run_peers"]

SUITE = "Side by side (same run)"


def _ours_per_turn(path: Path, turns: int, *, durable: bool) -> list[float]:
    """Seconds per turn (add_prompt + add_completion, each its own commit) through the SDK."""
    prompts, answers = pools()
    samples = []
    with MemoryGraph.open(path, durable=durable, registry=None) as graph:
        chat = graph.start_conversation("peer comparison")
        for i in range(turns + 10):
            started = time.perf_counter()
            prompt = graph.add_prompt(prompts[i % 500], conversation=chat)
            graph.add_completion(prompt, answers[i % 500], response_model="gpt-4o", input_tokens=700)
            if i >= 10:
                samples.append(time.perf_counter() - started)
    return samples


def bench_langchain(work: Path, turns: int) -> list[Result]:
    """The same turns stored as chat messages by LangChain, against ours storing far more."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from langchain_community.chat_message_histories import SQLChatMessageHistory
    except ImportError as exc:
        return [
            Result(SUITE, "LangChain SQLChatMessageHistory", f"skipped: {exc.name or exc} is not installed")
        ]
    prompts, answers = pools()
    path = work / "langchain.db"
    path.unlink(missing_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = SQLChatMessageHistory(session_id="peer comparison", connection=f"sqlite:///{path}")
        history.add_user_message("warm up")
        per_message: list[float] = []
        per_turn: list[float] = []
        for i in range(turns):
            started = time.perf_counter()
            history.add_user_message(prompts[i % 500])
            middle = time.perf_counter()
            history.add_ai_message(answers[i % 500])
            ended = time.perf_counter()
            per_message += [middle - started, ended - middle]
            per_turn.append(ended - started)
    ours = {
        durable: _ours_per_turn(work / f"ours-{durable}.db", turns, durable=durable)
        for durable in (False, True)
    }
    lc_turn = percentile(per_turn, 50)
    return [
        Result(
            SUITE,
            "LangChain SQLChatMessageHistory on SQLite (two messages per turn: text only)",
            f"{2 * len(per_turn) / sum(per_turn):,.0f} messages/s; add p50 {ms(percentile(per_message, 50))}, "
            f"p95 {ms(percentile(per_message, 95))}; per turn p50 {ms(lc_turn)}",
            "",
            {"messages_per_s": 2 * len(per_turn) / sum(per_turn), "turn_p50": lc_turn},
        ),
        Result(
            SUITE,
            "llm-memory-graph, the same turns (two nodes, GENERATES, CONTAINS, PRECEDES, text index, "
            "metadata), one commit per call",
            f"per turn p50 {ms(percentile(ours[False], 50))} ({lc_turn / percentile(ours[False], 50):.1f}x "
            f"faster); durable p50 {ms(percentile(ours[True], 50))} "
            f"({lc_turn / percentile(ours[True], 50):.1f}x)",
            "faster per turn",
            {"turn_p50": percentile(ours[False], 50), "durable_turn_p50": percentile(ours[True], 50)},
        ),
    ]


class _Discard:
    """A span exporter that drops what it is given (the cost measured is the caller's)."""

    def export(self, spans: Sequence[Any]) -> Any:
        from opentelemetry.sdk.trace.export import SpanExportResult

        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True


def _paced(call: Any, seconds: float, rate: float) -> list[float]:
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    next_at = time.perf_counter()
    i = 0
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        call(i)
        samples.append(time.perf_counter() - started)
        i += 1
        next_at += 1 / rate
        time.sleep(max(0.0, next_at - time.perf_counter()))
    return samples


def bench_opentelemetry(work: Path, seconds: float) -> list[Result]:
    """Caller cost of one LLM call recorded as an OTel span versus the buffered writer."""
    try:
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        return [
            Result(
                SUITE, "OpenTelemetry SDK span + BatchSpanProcessor", f"skipped: {exc.name} is not installed"
            )
        ]
    prompts, answers = pools()
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(_Discard()))  # type: ignore[arg-type]
    tracer = provider.get_tracer("bench")

    def span(i: int) -> None:
        with tracer.start_as_current_span("chat gpt-4o") as current:
            current.set_attributes(
                {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "openai",
                    "gen_ai.request.model": "gpt-4o",
                    "gen_ai.response.model": "gpt-4o-2024-08-06",
                    "gen_ai.usage.input_tokens": 700,
                    "gen_ai.usage.output_tokens": 90,
                    "gen_ai.response.finish_reasons": ("stop",),
                    "session.id": "s-1",
                }
            )
            current.add_event("gen_ai.user.message", {"content": prompts[i % 500]})
            current.add_event("gen_ai.choice", {"content": answers[i % 500]})

    path = work / "otel-ours.db"
    path.unlink(missing_ok=True)
    otel: list[float] = []
    mine: list[float] = []
    with MemoryGraph.open(path, registry=None) as graph:
        chat = graph.start_conversation("otel comparison")
        writer = graph.buffered(max_delay=0.05, chunk_size=2000)

        def ours(i: int) -> None:
            prompt = writer.add_prompt(prompts[i % 500], conversation=chat)
            writer.add_completion(
                prompt,
                answers[i % 500],
                provider="openai",
                request_model="gpt-4o",
                response_model="gpt-4o-2024-08-06",
                input_tokens=700,
                output_tokens=90,
                finish_reason="stop",
            )

        for _ in range(3):  # alternating rounds, so both sides see the same drift of the VM
            otel += _paced(span, seconds / 3, 1000)
            mine += _paced(ours, seconds / 3, 1000)
        writer.close()
    provider.shutdown()
    return [
        Result(
            SUITE,
            "OpenTelemetry SDK: one span per LLM call (8 gen_ai attributes, prompt and answer events), "
            "BatchSpanProcessor, 1,000 calls/s (3 rounds, alternating with ours)",
            f"caller cost p50 {us(percentile(otel, 50))}, p99 {us(percentile(otel, 99))}",
            "",
            {"p50": percentile(otel, 50), "p99": percentile(otel, 99)},
        ),
        Result(
            SUITE,
            "llm-memory-graph buffered writer: the same LLM call (add_prompt + add_completion: 2 nodes, "
            "their edges), 1,000 calls/s",
            f"caller cost p50 {us(percentile(mine, 50))}, p99 {us(percentile(mine, 99))} "
            f"({percentile(mine, 50) / percentile(otel, 50):.2f}x the span's p50)",
            "≤ the span's",
            {"p50": percentile(mine, 50), "p99": percentile(mine, 99)},
        ),
    ]


def run_peers(work: Path, *, quick: bool) -> list[Result]:
    """Both comparisons."""
    random.seed(0)
    return bench_langchain(work, 100 if quick else 1_000) + bench_opentelemetry(work, 0.5 if quick else 3.0)
