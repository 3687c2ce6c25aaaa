"""Entry point: `flask --app run run`, or `gunicorn run:app` in production."""
from govtech import create_app

app = create_app()
