import os

import uvicorn
from dotenv import load_dotenv

load_dotenv()

from api.app import app  # noqa: E402

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.getenv("PORT", "8000")))
