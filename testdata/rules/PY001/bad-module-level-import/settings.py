import os

import yaml


def load():
    with open(os.environ.get("APP_CONFIG", "config.yml")) as f:
        return yaml.safe_load(f)
