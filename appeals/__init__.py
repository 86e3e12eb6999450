"""Appeals: the process «Контакт с клиентом» (seed 002) and the «Обращение в СТО» it may lead to."""
