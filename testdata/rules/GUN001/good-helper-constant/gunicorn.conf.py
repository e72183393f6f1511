import multiprocessing

WORKERS = multiprocessing.cpu_count() * 2 + 1
workers = WORKERS
bind = "127.0.0.1:8000"
