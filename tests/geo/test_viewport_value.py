"""The viewport a page reports, as a value the model keeps."""

from eventmap.geo.viewport import Viewport


def test_a_report_becomes_a_viewport_and_bad_reports_none():
    report = {"center": [10, 20], "zoom": 4, "bounds": [[-10, 0], [30, 40]], "size": [800, 600]}
    viewport = Viewport.from_report(report)
    assert viewport == Viewport((10.0, 20.0), 4.0, ((-10.0, 0.0), (30.0, 40.0)), (800, 600))
    assert viewport.view == (10.0, 20.0, 4.0)
    for bad in ({}, {**report, "center": "x"}, {**report, "bounds": [[1, 2]]}, {**report, "zoom": float("inf")}):
        assert Viewport.from_report(bad) is None


def test_contains_works_across_the_antimeridian():
    pacific = Viewport((0.0, 180.0), 3.0, ((-20.0, 160.0), (20.0, 200.0)))
    assert pacific.contains(0.0, 170.0) and pacific.contains(0.0, -170.0) and pacific.contains(0.0, 190.0)
    assert not pacific.contains(0.0, 150.0) and not pacific.contains(25.0, 170.0)
    world = Viewport((0.0, 0.0), 0.5, ((-85.0, -400.0), (85.0, 400.0)))
    assert world.contains(50.0, -123.0)
