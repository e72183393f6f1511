# coding: latin-1
import os
name = "café"
bind = os.environ.get("BIND", "127.0.0.1:%s" % 8000)
