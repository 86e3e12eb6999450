"""The clients API: the contract names, the same normalisation as the workstation, errors per field."""

from __future__ import annotations

import pytest

from tests import factories as f

ZUBKOV = {
    "name": "Зубков Алексей", "kind": "person", "inn": "500100732259",
    "phones": ["8 908 494-44-34"], "emails": ["zubkov@mail.ru"],
    "cars": [{"make_model": "TOYOTA COROLLA", "vin": "NMTBM28E80R058037", "plate": "Н123АР"}],
}


@pytest.fixture
def advisor(token_for):
    return token_for("service_advisor")


def test_create_then_find_by_each_field(api, advisor):
    created = api("POST", "/api/v1/clients", advisor, json=ZUBKOV)
    assert created.status_code == 201
    body = created.get_json()
    assert body["id"] and body["phones"] == ["+7 908 494-44-34"] and body["debt"] == "0.00"
    for query in ("q=зубк", "phone=%2B7%20(908)%204944434", "phone=4434", "car=n123ap", "car=NMTBM28E"):
        found = api("GET", f"/api/v1/clients?{query}", advisor).get_json()
        assert [item["name"] for item in found["items"]] == ["Зубков Алексей"], query
        item = found["items"][0]
        assert set(item) >= {"id", "name", "kind", "inn", "phones", "emails", "cars"}
        assert set(item["cars"][0]) >= {"id", "make_model", "vin", "plate"}
    assert api("GET", "/api/v1/clients?q=%25", advisor).get_json()["items"] == []


def test_bad_values_answer_400_with_a_message_per_field(api, advisor):
    bad = {**ZUBKOV, "phones": ["12"], "cars": [{"make_model": "", "plate": "?"}]}
    answer = api("POST", "/api/v1/clients", advisor, json=bad)
    assert answer.status_code == 400
    fields = answer.get_json()["error"]["fields"]
    assert set(fields) == {"phones.0", "cars.0.make_model", "cars.0.plate"}
    assert api("POST", "/api/v1/clients", advisor, json={"kind": "robot"}).status_code == 400


def test_read_and_timeline(api, advisor, session, clock):
    client = f.client(session, clock, "Иванов Иван", phones=["+7 945 123-10-10"])
    f.work_order(session, clock, client, state="in_progress", total="5000", paid="1000")
    clock.advance(minutes=5)
    f.booking(session, clock, client, start=clock.now().replace(hour=12))
    detail = api("GET", f"/api/v1/clients/{client.id}", advisor).get_json()
    assert detail["debt"] == "4000.00"
    timeline = api("GET", f"/api/v1/clients/{client.id}/timeline?limit=1", advisor).get_json()
    assert [item["kind"] for item in timeline["items"]] == ["booking"] and timeline["next"] == "1"
    rest = api("GET", f"/api/v1/clients/{client.id}/timeline?limit=1&cursor=1", advisor).get_json()
    assert [item["kind"] for item in rest["items"]] == ["work_order"] and rest["next"] is None
    assert rest["items"][0]["document"] == {"type": "workorder", "id": client.id and rest["items"][0]["document"]["id"]}
    assert api("GET", "/api/v1/clients/999999", advisor).status_code == 404
    assert api("GET", "/api/v1/clients/999999/timeline", advisor).status_code == 404


def test_filters_and_paging(api, advisor, session, clock):
    for n in range(3):
        f.client(session, clock, f"Клиент {n}")
    first = api("GET", "/api/v1/clients?limit=2", advisor).get_json()
    second = api("GET", f"/api/v1/clients?limit=2&cursor={first['next']}", advisor).get_json()
    assert [i["name"] for i in first["items"] + second["items"]] == ["Клиент 0", "Клиент 1", "Клиент 2"]
    assert api("GET", "/api/v1/clients?cursor=zzz", advisor).status_code == 400
    assert api("GET", "/api/v1/clients?open_orders=true", advisor).get_json()["items"] == []


def test_roles(api, token_for):
    supervisor = token_for("supervisor")
    assert api("GET", "/api/v1/clients", supervisor).status_code == 200
    assert api("POST", "/api/v1/clients", supervisor, json=ZUBKOV).status_code == 403
    assert api("POST", "/api/v1/clients", token_for("reception"), json=ZUBKOV).status_code == 201
