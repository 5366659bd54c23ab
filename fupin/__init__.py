"""fupin (扶贫): a county poverty-alleviation work platform."""

from fupin.celery import app as celery_app

__all__ = ["celery_app"]
