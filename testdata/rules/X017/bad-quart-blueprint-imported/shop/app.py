from quart import Quart

from .views import bp

app = Quart(__name__)
app.register_blueprint(bp)
