"""What automatic capture costs a call: ``graph.instrument(OpenAI())`` against the same
client uninstrumented, both talking to the local server the tests use (so the figure is the
SDK's own time, not a network's), in interleaved rounds on one embedded file."""

from __future__ import annotations

import time
from pathlib import Path

from common import Result, ms, percentile

__all__ = ["run_capture"]


def run_capture(work: Path, *, quick: bool) -> list[Result]:
    """Per-call p50 of a raw and of an instrumented Chat Completions call, and their ratio."""
    import openai

    from llm_memory_graph import MemoryGraph
    from tests.fake_providers import provider_server

    calls, rounds = (100, 2) if quick else (1_000, 5)
    messages = [{"role": "user", "content": "Hi"}]
    samples: dict[str, list[float]] = {"raw": [], "instrumented": []}
    with provider_server() as url, MemoryGraph.open(work / "capture.db") as graph:
        clients = {
            "raw": openai.OpenAI(base_url=f"{url}/v1", api_key="sk-bench", max_retries=0),
            "instrumented": graph.instrument(
                openai.OpenAI(base_url=f"{url}/v1", api_key="sk-bench", max_retries=0)
            ),
        }
        for client in clients.values():  # warm both: connections, imports, the file
            for _ in range(20):
                client.chat.completions.create(model="gpt-4o-mini", messages=messages)
        for _ in range(rounds):
            for name, client in clients.items():
                for _ in range(calls // rounds):
                    started = time.perf_counter()
                    client.chat.completions.create(model="gpt-4o-mini", messages=messages)
                    samples[name].append(time.perf_counter() - started)
    raw, instrumented = percentile(samples["raw"], 50), percentile(samples["instrumented"], 50)
    suite = "automatic capture (SQLite, local OpenAI-compatible server)"
    return [
        Result(suite, f"raw client, p50 per call ({calls:,} calls)", ms(raw)),
        Result(suite, "instrumented client, p50 per call", ms(instrumented)),
        Result(
            suite,
            "recording overhead per call (prompt + completion written)",
            f"{ms(instrumented - raw)} (raw/instrumented {raw / instrumented:.2f})",
            values={"raw_p50_s": raw, "instrumented_p50_s": instrumented},
        ),
    ]
