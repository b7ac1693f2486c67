"""Reports: what is computed (weekly.py) and how it is printed (render.py, i18n.py)."""
