from flask import Flask

from settings import load

app = Flask(__name__)
app.config.update(load())
