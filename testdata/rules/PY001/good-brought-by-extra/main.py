from fastapi import FastAPI, Form, Request
from fastapi.templating import Jinja2Templates

from api.routes import router

app = FastAPI()
templates = Jinja2Templates(directory="templates")
app.include_router(router)


@app.post("/login")
async def login(request: Request, username: str = Form(...)):
    return templates.TemplateResponse(request, "ok.html", {"user": username})
