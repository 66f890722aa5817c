"""The ``llm-memory-graph serve-metrics`` command: a Prometheus ``/metrics`` page for a graph.

    llm-memory-graph serve-metrics --port 9464
    llm-memory-graph serve-metrics --port 0 --json     # pick a free port, print it as JSON

``cli.py`` registers the command.
"""

from __future__ import annotations

import json
import signal
import sys
from types import FrameType

import click
from prometheus_client import REGISTRY

from ..metrics import serve_metrics
from .common import StoreChoice, open_graph, output_options, store_options

__all__ = ["serve_metrics_command"]


@click.command("serve-metrics")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    required=True,
    help="The port to listen on; 0 picks a free one (printed at start).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on; 0.0.0.0 exposes the page to the network.",
)
@click.option(
    "--refresh",
    type=click.FloatRange(min=0),
    default=15.0,
    show_default=True,
    metavar="SECONDS",
    help="How often to re-read the stored node and edge counts; 0 reads them once.",
)
@store_options
@output_options
def serve_metrics_command(port: int, host: str, refresh: float, store: StoreChoice, as_json: bool) -> None:
    """Serve Prometheus metrics for a graph on http://HOST:PORT/metrics until stopped.

    The page holds what the store holds (llm_memory_graph_stored_nodes{type},
    llm_memory_graph_stored_edges{type}, re-read every --refresh seconds on a background
    thread, so scrapes never wait on the store) and this process's own metrics.
    Operation, latency, retry and buffer metrics live in the processes that write:
    expose their registry (prometheus_client.start_http_server) to scrape those.
    Stop with Ctrl-C or SIGTERM.
    """
    with open_graph(store) as graph:
        try:
            server = serve_metrics(graph, port=port, host=host, registry=REGISTRY, refresh=refresh)
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc

        def stop(signum: int, frame: FrameType | None) -> None:
            server.close()

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            if as_json:
                # One line, so a supervisor or a test can read it while the server runs.
                click.echo(json.dumps({"url": server.url, "host": server.host, "port": server.port}))
            else:
                click.echo(f"Serving metrics of {store.describe()} on {server.url} (Ctrl-C stops)")
            sys.stdout.flush()
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
            signal.signal(signal.SIGTERM, previous)
