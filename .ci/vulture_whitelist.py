"""Names the vulture gate (.ci/run, [tool.vulture] in pyproject.toml) must not report: each is used, but by a
framework, a template, a library or a person at a prompt, where vulture cannot see it.

Vulture counts a name as used wherever it is read, so `_.name` below marks `name` used everywhere. Add a name
only with the reason it is called from outside the code; code that nothing calls is deleted instead.
Never executed: `_` only keeps the file valid Python for ruff.
"""

from __future__ import annotations


class _Anything:
    def __getattr__(self, name: str) -> _Anything:
        return self


_ = _Anything()

# --- Typer commands: registered with @app.command and called by Typer, never by name ---
_.align_cmd  # cli/align.py
_.config_cmd  # cli/align.py
_.brief_cmd  # cli/brief.py
_.import_cmd  # cli/importing.py
_.plans_cmd  # cli/library.py
_.show_cmd  # cli/library.py
_.view_cmd  # cli/view.py
_.matrix_cmd  # cli/matrix.py
_.report_cmd  # cli/matrix.py
_.override_cmd  # cli/matrix.py
_.export_cmd  # cli/export.py

# --- pytest: autouse fixtures no test names, module-level marks and hooks pytest calls ---
_._isolated_cache  # tests/conftest.py
_._default_language  # tests/test_view.py
_.no_encoder  # tests/test_semantic.py: named in @pytest.mark.usefixtures
_.pytestmark  # tests/test_print.py, tests/test_wheel.py
_.pytest_collection_modifyitems  # tests/conftest.py: a hook
_.pytest_configure  # tests/conftest.py: a hook

# --- read by the Jinja2 templates (compare/report/templates/), which vulture does not scan ---
_.bin  # heatmap.Cell.bin: matrix.html's cell class b{{ c.bin }}
_.status_map  # html.ViewPage.status_map: view.html's {% set status = page.status_map %}

# --- attributes set on third-party objects, read by the library that owns them ---
_.binary_location  # selenium ChromeOptions (benchmarks/browser.py)
# jieba Tokenizer and POSTokenizer, filled in by compare/text/tokens.py instead of jieba's slower builders
_.initialized
_.word_tag_tab
_.get_dict_file
_.get_DAG  # with calc: jieba route in one pass (tokens._route)
_.calc
# python-docx (compare/report/brief.py)
_.author
_.page_height
_.page_width
_.left_margin
_.right_margin
_.bottom_margin
_.top_margin
_.space_after
_.autofit
_.last_modified_by  # the document's core properties, written to docProps/core.xml on save
_.keywords
_.modified
_.revision
# openpyxl (compare/report/workbook.py)
_.border
_.fitToHeight
_.fitToPage
_.horizontalCentered
_.bottom
_.overlap
_.majorGridlines
_.solidFill
_.delete
_.position
_.outlineLevel
_.promptTitle
_.prompt
_.showInputMessage
_.showErrorMessage
_.print_area  # written as the sheet's _xlnm.Print_Area on save

# --- maintenance entry points run by hand from a Python prompt, documented where they are used ---
_.mark_borderline  # benchmarks/agreement.py: run once when a second reading is added (its module docstring)

# --- the package root: Python calls a module's __getattr__ for jtcompare.Library (loaded on first use) ---
_.__getattr__  # compare/__init__.py
_.__dir__  # compare/__init__.py: Python calls a module's __dir__ for dir() and tab completion

# --- a library's module attribute the tests replace: typer's CliRunner reads it on every invoke ---
_._get_command  # tests/conftest.py: the command built once a process

# --- attributes Typer's help formatter and rich read, set by cli/app.py and cli/helptext.py ---
_._fix_linebreaks  # typer.rich_utils: how a help's paragraphs are joined (cli/helptext.unwrapped)
_.overflow  # rich.text.Text: a table cell folds a long line of Chinese instead of cutting it
