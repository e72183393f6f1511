import httpx
import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/weather/{city}")
async def weather(city: str):
    with httpx.Client(timeout=10) as client:
        r = client.get(f"https://api.weather.internal/{city}")
    return r.json()


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000)
