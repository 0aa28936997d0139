"""The live chart widget (fills its output, redraws in place) and the static copy a dashboard carries for exports."""

from __future__ import annotations

import functools
import html
import re
import uuid
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

#: Class of the static copy; the live front end hides it, an exported page (no kernel, no widgets) shows it.
STATIC_CLASS = "explorer-static-copy"

# plotly's widget view draws as soon as it is made, before it is in the page: plotly.js finds no width there
# and falls back to 700 px. This wrapper waits until the element has a width, then draws, then tells Python.
_WRAPPER = """
const __explorer_base = %(default)s;
export { %(named)s };
export default () => {
  const base = __explorer_base();
  return {
    initialize(ctx) { return base.initialize(ctx); },
    render(ctx) {
      const el = ctx.el;
      el.style.width = "100%%";
      let cleanup = null, started = false;
      const observer = new ResizeObserver(() => { if (el.clientWidth > 0) start(); });
      function start() {
        if (started) return;
        started = true;
        observer.disconnect();
        cleanup = base.render(ctx);
        ctx.model.send({ event: "rendered" });
      }
      observer.observe(el);
      if (el.isConnected && el.clientWidth > 0) start();
      return () => { started = true; observer.disconnect(); if (typeof cleanup === "function") cleanup(); };
    },
  };
};
"""


@functools.cache
def _esm() -> str:
    bundle = (Path(go.__file__).parent.parent / "package_data" / "widgetbundle.js").read_text()
    at = bundle.rfind("export{")
    found = re.compile(r"export\{([^{}]*)\};?").match(bundle, at) if at >= 0 else None
    if found is None or " as default" not in found.group(1):  # another bundle layout: keep plotly's own view
        return bundle
    parts = [p.strip() for p in found.group(1).split(",")]
    default = next(p.split(" as ")[0] for p in parts if p.endswith(" as default"))
    named = ", ".join(p for p in parts if not p.endswith(" as default"))
    head = bundle[: found.start()] + bundle[found.end():]
    return head + _WRAPPER % {"default": default, "named": named}


class LiveFigure(go.FigureWidget):
    """A FigureWidget that fills the output's width, follows window resizes and reports its first drawing."""

    # A class trait, so the first state the front end gets has it (a later _esm would reload the view).
    _esm = _esm()

    _defer_open = True

    def __init__(self, fig: go.Figure | None = None, **kwargs):
        super().__init__(fig, **kwargs)
        # plotly's FigureWidget opens its comm empty and sends the traces and layout just after. JupyterLab builds
        # the model while its 5 MB module loads, and updates that arrive meanwhile are lost: the chart drew empty.
        # So the comm opens only now, with the whole figure in its first state.
        self._config = {**(self._config or {}), "responsive": True, "displaylogo": False}
        self._defer_open = False
        self.open()
        self._rendered = 0  # front-end views drawn so far
        self._on_rendered: list = []
        self.on_msg(self._front_end_message)

    def open(self) -> None:
        if not self._defer_open:
            super().open()

    def _front_end_message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "rendered":
            self._rendered += 1
            for callback in self._on_rendered:
                callback()


def static_html(figures: list[go.Figure]) -> str:
    """The figures as plain plotly divs (plotly.js must be on the page: the notebook renderer puts it there once)."""
    divs = [pio.to_html(f, full_html=False, include_plotlyjs=False, default_width="100%", config={"responsive": True})
            for f in figures]
    return "".join(f"<div style='width:100%'>{d}</div>" for d in divs)


class StaticCopy:
    """Shows a dashboard's static copy beside the live widget; hides it once a front end draws the widget.

    An exported page (`jupyter nbconvert --to html --execute`) has no widget manager, so there the
    copy stays and is what a reader sees. In JupyterLab a style rule hides it at once, and the first
    drawn chart blanks it for good (other front ends too).
    """

    def __init__(self, figures: list[LiveFigure], title: str, *, banner: str = ""):
        self.figures, self.title, self.banner = figures, title, banner
        self.display_id = f"explorer-static-{uuid.uuid4().hex}"
        self.hidden = False
        for fig in figures:
            fig._on_rendered.append(self.hide)

    def html(self) -> str:
        style = (f"<style>.jp-LabShell .{STATIC_CLASS}, .jp-NotebookShell .{STATIC_CLASS} "
                 "{display:none}</style>")
        note = (f"<p><i>{html.escape(self.title)} — a static copy of the interactive charts as they were when "
                "this page was made.</i></p>")
        charts = static_html([go.Figure(f) for f in self.figures])
        return f"{style}<div class='{STATIC_CLASS}'><p>{self.banner}</p>{note}{charts}</div>"

    def show(self) -> None:
        from IPython.display import display

        display({"text/html": self.html()}, raw=True, display_id=self.display_id)

    def hide(self) -> None:
        if self.hidden:
            return
        self.hidden = True
        from IPython.display import update_display

        update_display({"text/html": ""}, raw=True, display_id=self.display_id)


def embed_plotly() -> None:
    """Charts shown from now on carry a static copy too, with plotly.js embedded once in the notebook.

    JupyterLab keeps drawing the interactive plotly mimetype; `jupyter nbconvert --to html` (which
    drops that mimetype) shows the static copy, and the page needs no network to draw it.
    """
    pio.renderers.default = "plotly_mimetype+notebook"
