"""The footer of keys: Textual's Footer, except that on a narrow terminal the least needed keys give way
(in the screen's `FOOTER_PRIORITY` order) instead of Help and Quit being cut off at the right."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: room the command palette's key takes at the right (its border, key and label)
_PALETTE = 13


class KeysFooter(Footer):
    """Keys keep the screen's binding order; when they do not all fit, the ones whose action comes last
    in the screen's `FOOTER_PRIORITY` are left out first (they stay in help and the palette)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(compact=True, **kwargs)
        self._fitted_width = 0

    def compose(self) -> ComposeResult:
        items = list(super().compose())
        keys = [i for i in items if isinstance(i, FooterKey) and not i.has_class("-command-palette")]
        priority = list(getattr(self.screen, "FOOTER_PRIORITY", ()))
        rank = {k: priority.index(k.action) if k.action in priority else len(priority) for k in keys}
        room = self.app.size.width - _PALETTE
        dropped: set[FooterKey] = set()
        for key in sorted(keys, key=lambda k: rank[k], reverse=True):
            if sum(_cells(k) for k in keys if k not in dropped) <= room:
                break
            dropped.add(key)
        self._fitted_width = self.app.size.width
        yield from (i for i in items if i not in dropped)

    def on_resize(self, event: events.Resize) -> None:
        if self.app.size.width != self._fitted_width:
            self.call_after_refresh(self.recompose)


def _cells(key: FooterKey) -> int:
    """What a compact footer key takes: key, space, description, and the margin after it."""
    return len(key.key_display) + 1 + len(key.description) + 1
