"""Screens: the browser (main screen) and its dialogs, one module each."""
