"""The review dialog for events from an article: worker thread, date suggestions, unticked rows, escaping, output."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QTimer

from eventmap.desktop.dialogs.article_dialog import BASIS, PLACE, SENTENCE, WHEN, QtArticleDialog, marked_sentence
from eventmap.geo.importers import load_dataset
from eventmap.geo.paths import default_dataset

ARTICLES = Path(__file__).parents[1] / "data" / "articles"
WAIT_MS = 60_000


@pytest.fixture
def dialog(qtbot):
    existing = load_dataset(default_dataset()).events
    dialog = QtArticleDialog(existing)
    qtbot.addWidget(dialog)
    return dialog


def rows(dialog):
    return [(dialog.table.item(r, WHEN).text(), dialog.table.cellWidget(r, PLACE).currentText())
            for r in range(dialog.table.rowCount()) if not dialog.table.isRowHidden(r)]


def test_a_file_gives_date_suggestions_and_unticked_rows(dialog, qtbot):
    with qtbot.waitSignal(dialog.finishedWork, timeout=WAIT_MS):
        dialog.load_file(str(ARTICLES / "gvs-2020-11-druzhba-5.txt"))
    assert dialog.suggestions.itemText(0) == "2020-11-05 — an embedded post's date (the article is on or after it)"
    assert dialog.published_date() == date(2020, 11, 5)
    assert dialog.table.rowCount() >= 5
    assert dialog.ticked_rows() == [] and not dialog.ok_button.isEnabled()  # nothing is accepted without the user
    shown = rows(dialog)
    assert ("2014  (year)", "Moscow, Russia — name of the country, shown at its capital") in shown
    hidden = sum(dialog.table.isRowHidden(r) for r in range(dialog.table.rowCount()))
    assert hidden >= 2  # "since 2014" in a heading; Druzhba 5, already in the dataset (a possible duplicate)
    dialog.show_low.setChecked(True)
    assert not any(dialog.table.isRowHidden(r) for r in range(dialog.table.rowCount()))
    assert ("8 Nov 2020 – 21 Nov 2020  (day)", "Tarbela, Pakistan — name") in rows(dialog)


def test_pasted_text_and_a_changed_date_re_resolve(dialog, qtbot):
    dialog.set_text((ARTICLES / "arabnews-2024-10-15-druzhba-vii.txt").read_text(encoding="utf-8"))
    with qtbot.waitSignal(dialog.finishedWork, timeout=WAIT_MS):
        dialog.find_button.click()
    with qtbot.waitSignal(dialog.finishedWork, timeout=WAIT_MS):
        dialog.published.setDate(QDate(2024, 10, 15))
    whens = [w for w, _ in rows(dialog)]
    assert "Sep 2024  (month)" in whens and "13 Oct 2024 – 27 Oct 2024  (day)" in whens
    chips = {dialog.table.item(r, BASIS).text() for r in range(dialog.table.rowCount())}
    assert "explicit" in chips and "'Last month' from 15 Oct 2024" in chips
    flags = [dialog.table.item(r, 7).text() for r in range(dialog.table.rowCount())]
    assert any("possible duplicate of druzhba-7-exercise-2024-10-13" in f for f in flags)
    with qtbot.waitSignal(dialog.finishedWork, timeout=WAIT_MS):
        dialog.published.setDate(QDate(2025, 3, 15))
    whens = [w for w, _ in rows(dialog)]
    assert "Feb 2025  (month)" in whens and "Sep 2024  (month)" not in whens  # "Last month" follows the date
    assert "Aug 2015  (month)" in whens  # explicit dates stay


def test_ticked_rows_become_events_with_their_provenance(dialog, qtbot):
    with qtbot.waitSignal(dialog.finishedWork, timeout=WAIT_MS):
        dialog.load_file(str(ARTICLES / "gvs-2020-11-druzhba-5.txt"))
    dialog.show_low.setChecked(True)
    row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, WHEN).text().startswith("8 Nov 2020"))
    dialog.set_ticked(row)
    assert dialog.ticked_rows() == [row] and dialog.ok_button.isEnabled()
    dialog.table.cellWidget(row, 5).setCurrentText("exercise")
    [event] = dialog.accepted_events()
    assert event.place == "Tarbela" and event.start.text == "2020-11-08" and event.end.text == "2020-11-21"
    assert event.extra["quote"].startswith("The drills will officially start on the 8th of this month")
    assert event.extra["date_phrase"] == "the 8th of this month" and event.source["published"] == "2020-11-05"
    assert event.category == "exercise"


def test_the_sentence_is_escaped_before_it_is_marked(dialog, qtbot):
    text = "Headline\n\n<script>alert(1)</script> The summit was held in Islamabad on March 3, 2021 <b>today</b>."
    dialog.set_text(text)
    with qtbot.waitSignal(dialog.finishedWork, timeout=WAIT_MS):
        dialog.find_button.click()
    candidate = dialog.candidates[0]
    marked = marked_sentence(candidate)
    assert "<script>" not in marked and "&lt;script&gt;" in marked and "&lt;b&gt;" in marked
    assert "background-color" in marked  # our own marks are the only markup
    assert dialog.table.item(0, SENTENCE).text() == candidate.quote  # the item itself is plain text


def test_the_window_adds_ticked_events_as_one_undoable_step(make_main_window, qtbot):
    window = make_main_window()
    before = len(window.state.dataset.events)

    def drive(dialog):
        def ready():
            dialog.finishedWork.disconnect(ready)
            dialog.set_ticked(0)
            QTimer.singleShot(0, dialog.accept)

        dialog.finishedWork.connect(ready)
        dialog.load_file(str(ARTICLES / "urdupoint-2020-11-08-druzhba-v.txt"))

    with qtbot.waitSignal(window.view.mapReady, timeout=WAIT_MS):
        assert window.events_from_article(add=True, dialog_hook=drive) == 1
    assert len(window.state.dataset.events) == before + 1
    added = window.state.dataset.events[-1]
    assert added.place == "Tarbela" and added.start.text == "2020-11-08" and added.extra["quote"]
    with qtbot.waitSignal(window.view.mapReady, timeout=WAIT_MS):
        window.undo_stack.undo()
    assert len(window.state.dataset.events) == before


def test_the_world_gazetteer_is_not_read_at_start_up(make_main_window):
    from eventmap.geo.places import world

    before = world._load_world.cache_info()
    make_main_window()
    after = world._load_world.cache_info()
    assert (after.misses, after.hits) == (before.misses, before.hits)  # read on the first look-up only
