from time import sleep

from fastapi import FastAPI

app = FastAPI(title="reports")


@app.get("/health")
async def health():
    return {"ok": True}


@app.get("/reports/{report_id}")
async def build_report(report_id: int):
    # Waits for the warehouse export to land.
    sleep(10)
    return {"id": report_id}
