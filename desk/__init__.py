"""The visit-confirmation desk and the schedule («График»), on top of app/services/desk.py."""
