# lint502: file-ignore[GUN001] -- the settings below are read by our own wrapper
bind = "127.0.0.1:8000"
workers = 2
