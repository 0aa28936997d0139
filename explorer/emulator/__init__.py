"""emulator layer."""
