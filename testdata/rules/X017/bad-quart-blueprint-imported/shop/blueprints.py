from quart import Blueprint

bp = Blueprint("shop", __name__)
