"""The integrations for the asyncio facade, the source ``_sync/`` is generated from."""
