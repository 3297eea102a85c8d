"""A minimal HTTP/1.1 keep-alive client, so the load generator spends its CPU on requests.

The load runs on the same two cores as the service; a general-purpose client (httpx costs about a
millisecond of CPU per request) would take a visible share of them from the server it measures.
This one only writes a POST and reads a response with ``Content-Length``, which is all uvicorn
and Starlette send for JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any


class Connection:
    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.fixed = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def post(self, path: str, payload: dict[str, Any]) -> tuple[int, bytes]:
        """One request on the kept-alive connection (reopened if the server closed it)."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.fixed}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        for attempt in (1, 2):
            if self.writer is None:
                await self._open()
            assert self.reader is not None and self.writer is not None
            try:
                self.writer.write(head + body)
                status_line = await self.reader.readuntil(b"\r\n")
                length, close = 0, False
                while True:
                    line = await self.reader.readuntil(b"\r\n")
                    if line == b"\r\n":
                        break
                    name, _, value = line.decode("latin-1").partition(":")
                    name = name.strip().lower()
                    if name == "content-length":
                        length = int(value)
                    elif name == "connection" and "close" in value.lower():
                        close = True
                data = await self.reader.readexactly(length)
                if close:
                    await self.close()
                return int(status_line.split()[1]), data
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError):
                await self.writer.wait_closed()
        self.reader = self.writer = None
