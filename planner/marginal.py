"""Moved to models.marginal (solver logic belongs with the model); kept for old imports."""
from models.marginal import *  # noqa: F401,F403
