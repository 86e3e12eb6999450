"""CSV import of a catalog through the upload form: all rows or none."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import flashes, list_names, list_row

pytestmark = pytest.mark.browser


def upload(page, path) -> None:
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("form[enctype='multipart/form-data'] button[type=submit]")


def test_import_reports_row_errors_and_imports_nothing_then_imports_a_valid_file(page, login, tmp_path, screenshot):
    login("admin")
    page.goto("/admin/lossreason/")
    before = list_names(page)
    with page.expect_navigation():
        page.click("#catalog-import-link")
    expect(page).to_have_url(re.compile(r"/admin/lossreason/import/$"))

    bad = tmp_path / "loss-reasons-bad.csv"
    bad.write_text("name,show_in_list\nНе отвечает на звонки,1\n,1\n", encoding="utf-8")
    upload(page, bad)

    errors = page.locator("#import-errors")
    expect(errors).to_be_visible()
    expect(errors.locator("strong")).to_have_text("Ничего не импортировано.")
    items = errors.locator("ul.import-errors li")
    expect(items.first).to_contain_text("Строка 3, Наименование:")
    texts = items.all_inner_texts()
    assert all(text.startswith("Строка 3, Наименование:") for text in texts), texts  # only the empty name
    screenshot(page, "import-errors.png")

    page.goto("/admin/lossreason/")
    assert list_names(page) == before  # the good row 2 was not imported either
    expect(list_row(page, "Не отвечает на звонки")).to_have_count(0)

    good = tmp_path / "loss-reasons-good.csv"
    good.write_text("name,show_in_list\nНе отвечает на звонки,1\nВыбрал другую марку,0\n", encoding="utf-8")
    page.goto("/admin/lossreason/import/")
    upload(page, good)

    expect(page).to_have_url(re.compile(r"/admin/lossreason/$"))
    expect(flashes(page).filter(has_text="2")).to_have_class(re.compile(r"\balert-success\b"))
    expect(page.locator("table.model-list tbody td.col-name")).to_have_text(
        [*before, "Не отвечает на звонки", "Выбрал другую марку"]
    )
    expect(list_row(page, "Не отвечает на звонки").locator("td.col-show_in_list")).to_have_text("да")
    expect(list_row(page, "Выбрал другую марку").locator("td.col-show_in_list")).to_have_text("скрыта")
    expect(list_row(page, "Выбрал другую марку").locator("span.fa-lock")).to_have_count(0)
