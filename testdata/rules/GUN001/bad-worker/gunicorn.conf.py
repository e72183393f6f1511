bind = "127.0.0.1:8000"
worker = 4
timeout = 120
