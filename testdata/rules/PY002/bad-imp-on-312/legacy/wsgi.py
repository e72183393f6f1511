import imp
import os

plugins = imp.load_source("plugins", os.path.join(os.path.dirname(__file__), "plugins.py"))


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
