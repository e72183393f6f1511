import time

from fastapi import FastAPI

app = FastAPI(title="reports")


@app.get("/reports/{report_id}")
def build_report(report_id: int):
    # A plain def: FastAPI runs it in its thread pool.
    time.sleep(10)
    return {"id": report_id}
