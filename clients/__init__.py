"""The clients-and-cars workstation (АРМ «Клиенты и автомобили»): clients, contacts, cars, events."""
