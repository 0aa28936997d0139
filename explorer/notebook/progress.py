"""A loading progress bar for notebooks (ipywidgets), with a plain-text fallback outside a kernel."""

from __future__ import annotations

import html
import sys

import ipywidgets as widgets


def in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # IPython is absent only in bare scripts
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class LoadProgress:
    """Callable as the data layer's `progress(stage, done, total)`; shows one bar that each stage reuses."""

    def __init__(self, title: str, *, show: bool | None = None):
        """`show=None`: a widget inside a kernel, text on stderr elsewhere; True: the widget; False: silent."""
        self.bar = widgets.IntProgress(value=0, min=0, max=1, description="loading", bar_style="info")
        self.label = widgets.HTML(title)
        self.box = widgets.VBox([self.label, self.bar])
        self.stages: list[str] = []
        self._widgets = in_kernel() if show is None else show
        self._text = show is None and not self._widgets
        if self._widgets:
            from IPython.display import display

            display(self.box)

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.stages or self.stages[-1] != stage:
            self.stages.append(stage)
        # Unknown totals (first page not back yet) show as an indefinite half bar.
        self.bar.max = max(total or max(done * 2, 1), 1)
        self.bar.value = min(done, self.bar.max)
        self.bar.description = stage[:20]
        if self._text:
            print(f"\r{stage}: {done}" + (f"/{total}" if total else ""), end="", file=sys.stderr, flush=True)

    def finish(self, message: str, *, ok: bool = True) -> None:
        """Close the bar with a plain-text `message` (shown escaped)."""
        self.bar.value = self.bar.max
        self.bar.bar_style = "success" if ok else "danger"
        self.bar.description = "done" if ok else "failed"
        self.label.value = html.escape(message)
        if self._text:
            print("\r" + message, file=sys.stderr, flush=True)
