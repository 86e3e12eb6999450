"""The client's documents that traffic, bookings and the workstation refer to: pre-bookings, work
orders, repair visits, sales work sheets and parts reservations. Minimal but real: creatable,
listable and linkable."""
