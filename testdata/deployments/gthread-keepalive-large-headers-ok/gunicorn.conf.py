bind = "127.0.0.1:8000"
workers = 3
worker_class = "gthread"
threads = 4
timeout = 30
keepalive = 75
