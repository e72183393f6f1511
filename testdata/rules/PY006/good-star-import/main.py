from application import *  # noqa: F403
