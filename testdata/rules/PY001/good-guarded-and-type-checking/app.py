from typing import TYPE_CHECKING

from flask import Flask

try:
    import ujson as json
except ImportError:
    import json

if TYPE_CHECKING:
    from mypy_extensions import TypedDict

app = Flask(__name__)
