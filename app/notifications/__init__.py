"""In-app notifications (the bell): model, service, API and page."""
