import urllib.request

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def status(request):
    with urllib.request.urlopen("http://upstream.internal/status") as r:
        body = r.read()
    return JSONResponse({"upstream": body.decode()})


app = Starlette(routes=[Route("/status", endpoint=status)])
