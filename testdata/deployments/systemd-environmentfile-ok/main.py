import os

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}


def main() -> None:
    port = int(os.environ["PORT"])
    uvicorn.run(app, host="127.0.0.1", port=port, proxy_headers=True)


if __name__ == "__main__":
    main()
