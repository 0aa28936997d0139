"""The live chart widget (fills its output, redraws in place) and the static copy a dashboard carries for exports."""

from __future__ import annotations

import functools
import hashlib
import html
import json
import uuid
from pathlib import Path

import ipywidgets
import plotly
import plotly.graph_objects as go
import plotly.io as pio
import traitlets
from plotly.io._base_renderers import NotebookRenderer
from plotly.offline import get_plotlyjs

#: Class of the static copy; the live front end hides it, an exported page (no kernel, no widgets) shows it.
STATIC_CLASS = "explorer-static-copy"
#: Class of a live chart's element in the browser; its `data-chart` says waiting, loading, drawn or failed.
CHART_CLASS = "explorer-live-chart"

# The 2 s window. anywidget gives a model 2 seconds from its creation in the browser to import its `_esm` and
# run `initialize`; past that, the model drops every later message from Python, so the chart never redraws.
# plotly's `_esm` is its whole 5 MB bundle, imported afresh for each chart: a dashboard's three charts evaluated
# it three times over, and on a busy machine the window closed. So `_esm` is the small loader below, which
# `initialize`s at once, and the bundle travels as data, in one model every chart refers to (`PlotlyBundle`:
# a notebook's saved widget state, and so an exported page, carries it once, not once per chart). It is imported
# once per page, when the first chart has a place to draw; updates from Python that arrive before it is loaded
# are kept and replayed.
#
# plotly's view also draws as soon as it is made, before it is in the page: plotly.js finds no width there and
# falls back to 700 px. So a view waits until its element has a width, then draws, then tells Python.
_LOADER = """
const KEY = %(key)s, TRANSIENT = %(transient)s, CHART_CLASS = %(chart_class)s;

async function bundleSource(model) {
  const ref = model.get("_plotly_bundle");  // a widget reference: "IPY_MODEL_<id>" (or the model itself)
  const bundle = typeof ref === "string" ? await model.widget_manager.get_model(ref.replace(/^IPY_MODEL_/, "")) : ref;
  return bundle.get("source");
}

function loadPlotly(model) {
  const cache = (globalThis.__explorerPlotly ??= new Map());
  if (!cache.has(KEY)) {
    cache.set(KEY, bundleSource(model).then((source) => {
      const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      return import(url).finally(() => URL.revokeObjectURL(url));
    }));
  }
  return cache.get(KEY);
}

// If this model missed anywidget's 2 s window anyway (a page busy for longer, with anything), anywidget drops
// every later message to it. Its own start is done by now, so from here on the widget model's own handler takes
// them, as anywidget's would once started. (The model object is the first argument of a change event.)
function keepMessagesFlowing(proxy) {
  let real = null;
  proxy.on("change:_explorer_probe", (m) => { real = m; });
  proxy.set("_explorer_probe", 1);
  if (real && real._buffered_state_diff) delete real._buffered_state_diff._explorer_probe;  // never sent to Python
  if (!real || !real.comm || typeof real.comm.on_msg !== "function") return;
  let proto = Object.getPrototypeOf(real);
  const gated = proto._handle_comm_msg;  // anywidget's: waits for its start, drops everything if that timed out
  while (proto && proto._handle_comm_msg === gated) proto = Object.getPrototypeOf(proto);
  const handle = proto && proto._handle_comm_msg;
  if (typeof handle === "function") real.comm.on_msg((msg) => handle.call(real, msg));
}

export default () => {
  let model = null, base = null, setup = null, replaying = null;
  const queued = [], listeners = new Map();
  // What plotly's model sees: the real model, except that `get` answers a replayed message while it is replayed.
  function proxied(real) {
    return {
      get: (name) => (replaying && replaying[0] === name ? replaying[1] : real.get(name)),
      set: (...args) => real.set(...args),
      save_changes: () => real.save_changes(),
      send: (...args) => real.send(...args),
      on: (event, callback) => {
        if (!listeners.has(event)) listeners.set(event, []);
        listeners.get(event).push(callback);
        real.on(event, callback);
      },
      off: (...args) => real.off(...args),
      widget_manager: real.widget_manager,
    };
  }
  function ensureSetup() {
    setup ??= loadPlotly(model).then((mod) => {
      base = mod.default();
      base.initialize({ model: proxied(model) });
      for (const message of queued.splice(0)) {
        replaying = message;
        try { for (const callback of listeners.get("change:" + message[0]) || []) callback(); }
        finally { replaying = null; }
      }
    });
    return setup;
  }
  return {
    initialize(ctx) {
      model = ctx.model;
      keepMessagesFlowing(model);
      // Python sends each update as "set, then reset to null": keep the ones that come before plotly is loaded.
      for (const name of TRANSIENT) {
        model.on("change:" + name, () => {
          const value = model.get(name);
          if (!base && value !== null && value !== undefined) queued.push([name, value]);
        });
      }
    },
    render(ctx) {
      const el = ctx.el;
      el.style.width = "100%%";
      el.classList.add(CHART_CLASS);
      let cleanup = null, state = "waiting";
      const mark = (value) => { state = value; el.dataset.chart = value; };  // tests wait on data-chart="drawn"
      mark("waiting");
      const observer = new ResizeObserver(() => { if (el.clientWidth > 0) start(); });
      function start() {
        if (state !== "waiting") return;
        mark("loading");
        observer.disconnect();
        ensureSetup().then(() => {
          if (state !== "loading") return;  // removed meanwhile
          cleanup = base.render(ctx);
          mark("drawn");
          ctx.model.send({ event: "rendered" });
        }).catch((error) => {
          mark("failed");
          el.textContent = "The chart could not be drawn: " + error;
        });
      }
      observer.observe(el);
      if (el.isConnected && el.clientWidth > 0) start();
      return () => {
        mark("removed");
        observer.disconnect();
        if (typeof cleanup === "function") cleanup();
      };
    },
  };
};
"""


@functools.cache
def _bundle() -> str:
    return (Path(go.__file__).parent.parent / "package_data" / "widgetbundle.js").read_text()


@functools.cache
def _loader() -> str:
    transient = sorted(n for n in go.FigureWidget.class_trait_names() if n.startswith("_py2js_"))
    key = f"plotly-{plotly.__version__}-{hashlib.sha1(_bundle().encode()).hexdigest()[:12]}"
    names = {"key": key, "transient": transient, "chart_class": CHART_CLASS}
    return _LOADER % {name: json.dumps(value) for name, value in names.items()}


class PlotlyBundle(ipywidgets.Widget):
    """plotly's widget bundle as the state of one plain model, shared by every live chart of a kernel."""

    source = traitlets.Unicode().tag(sync=True)
    _shared: PlotlyBundle | None = None

    @classmethod
    def shared(cls) -> PlotlyBundle:
        """The kernel's one bundle model (made anew if it was closed, e.g. by `Widget.close_all()`)."""
        if cls._shared is None or cls._shared.comm is None:
            cls._shared = cls(source=_bundle())
        return cls._shared


class LiveFigure(go.FigureWidget):
    """A FigureWidget that fills the output's width, follows window resizes and reports its first drawing."""

    # Class traits, so the first state the front end gets has them (a later _esm would reload the view).
    _esm = _loader()
    _plotly_bundle = traitlets.Instance(PlotlyBundle).tag(sync=True, **ipywidgets.widget_serialization)

    _defer_open = True

    def __init__(self, fig: go.Figure | None = None, **kwargs):
        super().__init__(fig, **kwargs)
        # plotly's FigureWidget opens its comm empty and sends the traces and layout just after. JupyterLab builds
        # the model while its 5 MB module loads, and updates that arrive meanwhile are lost: the chart drew empty.
        # So the comm opens only now, with the whole figure in its first state.
        self._config = {**(self._config or {}), "responsive": True, "displaylogo": False}
        self._plotly_bundle = PlotlyBundle.shared()
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
    """The figures as plain plotly divs (plotly.js must be on the page: the notebook renderer puts it there once).

    Where plotly.js is absent (JupyterLab, which hides the copy) a copy draws nothing and raises no error.
    """
    guard = ("if (document.getElementById(", "if (window.Plotly && document.getElementById(")
    divs = [pio.to_html(f, full_html=False, include_plotlyjs=False, default_width="100%", config={"responsive": True})
            .replace(*guard) for f in figures]
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

        # plotly.js before the first copy, once (as a figure's first show does), when embed_plotly() asked for it.
        pio.renderers._activate_pending_renderers(cls=_EmbeddedPlotly)
        display({"text/html": self.html()}, raw=True, display_id=self.display_id)

    def hide(self) -> None:
        if self.hidden:
            return
        self.hidden = True
        from IPython.display import update_display

        update_display({"text/html": ""}, raw=True, display_id=self.display_id)


#: The element holding plotly.js as inert text in a notebook (see `_EmbeddedPlotly`).
PLOTLYJS_ID = "explorer-plotlyjs"


def plotlyjs_html() -> str:
    """plotly.js for a notebook's outputs: started where nothing else draws the charts (an exported page).

    JupyterLab draws charts with its own renderers and never needs it, so there it stays text: evaluating
    4.8 MB on the page's main thread while the dashboards' widgets start would only hold them up.
    """
    start = ("(function () {"
             "  if (window.Plotly || document.querySelector('.jp-LabShell, .jp-NotebookShell')) return;"
             "  window.PlotlyConfig = {MathJaxConfig: 'local'};"
             "  var code = document.createElement('script');"
             f"  code.text = document.getElementById('{PLOTLYJS_ID}').textContent;"
             "  document.head.appendChild(code);"
             "})();")
    return f"<script type='text/plain' id='{PLOTLYJS_ID}'>{get_plotlyjs()}</script><script>{start}</script>"


class _EmbeddedPlotly(NotebookRenderer):
    """plotly's `notebook` renderer (figures as HTML beside the plotly mimetype), plotly.js from `plotlyjs_html`."""

    def activate(self) -> None:
        from IPython.display import display_html

        display_html(plotlyjs_html(), raw=True)


def embed_plotly() -> None:
    """Charts shown from now on carry a static copy too, with plotly.js embedded once in the notebook.

    JupyterLab keeps drawing the interactive plotly mimetype; `jupyter nbconvert --to html` (which
    drops that mimetype) shows the static copy, and the page needs no network to draw it.
    """
    pio.renderers["explorer_notebook"] = _EmbeddedPlotly()
    pio.renderers.default = "plotly_mimetype+explorer_notebook"
