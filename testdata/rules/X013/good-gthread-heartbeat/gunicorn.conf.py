bind = "127.0.0.1:8000"
workers = 3
threads = 4
timeout = 30
