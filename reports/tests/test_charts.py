from reports.charts import bar_chart, column_chart


def test_a_chart_is_hidden_from_screen_readers_because_its_table_is_beside_it():
    svg = bar_chart([("Balint group", 20)])
    assert svg.startswith('<svg class="app-chart"')
    assert 'aria-hidden="true" focusable="false"' in svg


def test_a_suppressed_figure_draws_no_bar_and_is_labelled_like_the_table():
    svg = column_chart([("Jan", None), ("Feb", 0), ("Mar", 40)])
    assert svg.count("<rect") == 1
    assert ">*</text>" in svg
    assert ">0</text>" in svg
    assert ">40</text>" in svg
    assert bar_chart([("Webinar", None)]).count("<rect") == 0


def test_bars_are_drawn_to_scale():
    svg = bar_chart([("A", 10), ("B", 20)])
    assert 'width="178"' in svg
    assert 'width="356"' in svg


def test_labels_are_escaped():
    svg = bar_chart([("<script>x</script>", 5)])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_nothing_to_chart_still_draws_an_empty_chart():
    assert "<rect" not in bar_chart([("A", 0)])
    assert "<rect" not in column_chart([])
