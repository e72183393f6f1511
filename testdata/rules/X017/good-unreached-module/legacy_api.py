# Not imported by main.py: the server never loads it.
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/old")
async def old():
    time.sleep(5)
    return {}
