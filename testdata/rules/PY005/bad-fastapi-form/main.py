from fastapi import FastAPI, Form
from fastapi.responses import ORJSONResponse
from fastapi.templating import Jinja2Templates

app = FastAPI(default_response_class=ORJSONResponse)
templates = Jinja2Templates(directory="templates")


@app.post("/login")
def login(user: str = Form()):
    return {"user": user}
