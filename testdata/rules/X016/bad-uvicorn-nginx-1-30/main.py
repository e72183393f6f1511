from fastapi import FastAPI

app = FastAPI()


@app.post("/items")
async def create(item: dict):
    return item
