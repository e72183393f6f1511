workers = 3
worker_class = "uvicorn.workers.UvicornWorker"
