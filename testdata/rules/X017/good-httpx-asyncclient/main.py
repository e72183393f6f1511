import asyncio

import httpx
from fastapi import FastAPI

app = FastAPI()
client = httpx.AsyncClient(timeout=30)


@app.get("/prices/{item_id}")
async def price(item_id: int):
    async with httpx.AsyncClient() as c:
        r = await c.get(f"http://prices.internal/{item_id}")
    other = await client.get("http://stock.internal/")
    await asyncio.sleep(0.1)
    return {"price": r.json(), "stock": other.json()}
