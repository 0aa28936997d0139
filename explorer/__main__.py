"""`python -m explorer` runs the same CLI as `snapshot-explorer`."""

from explorer.cli import main

raise SystemExit(main())
