import asyncio
import time
from functools import partial

import requests
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

app = FastAPI()


@app.get("/sleep")
async def sleep_on_thread():
    await asyncio.to_thread(time.sleep, 10)
    return {"ok": True}


@app.get("/fetch")
async def fetch(url: str):
    r = await run_in_threadpool(lambda: requests.get(url, timeout=30))
    return {"status": r.status_code}


@app.get("/executor")
async def executor(url: str):
    def blocking():
        return requests.get(url, timeout=30).status_code

    loop = asyncio.get_running_loop()
    status = await loop.run_in_executor(None, blocking)
    other = await loop.run_in_executor(None, partial(requests.get, url))
    return {"status": status, "other": other.status_code}
