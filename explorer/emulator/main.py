"""`snapshot-explorer emulator`: serve the emulator in the foreground, print URL and credentials."""

from __future__ import annotations

import os
import sys

from explorer.errors import ConfigError


def run(args) -> int:
    from explorer.emulator import DEMO_PASSWORD, DEMO_USERNAME
    from explorer.emulator.accounts import gather_users
    from explorer.emulator.app import create_app
    from explorer.emulator.exposure import host_warning
    from explorer.emulator.locations import emulated_location
    from explorer.emulator.server import EmulatorServer, bind
    from explorer.emulator.state.core import EmulatorState, parse_users

    given = gather_users(args.user, args.users_file, os.environ)  # ConfigError names the bad source
    users = parse_users([(u.email, u.password) for u in given])
    sources = {u.email: f"as given in {u.source}" for u in given}
    if not 0.0 <= args.fail_rate <= 1.0:
        raise ConfigError("--fail-rate must be between 0 and 1")
    if args.latency_ms < 0:
        raise ConfigError("--latency-ms must not be negative")
    for flag, count in (("--drives", args.drives), ("--snapshots", args.snapshots)):
        if count is not None and count < 0:
            raise ConfigError(f"{flag} must not be negative (got {count})")
    if not 0 <= args.deletion_delay <= 86400:
        raise ConfigError("--deletion-delay must be between 0 and 86400 seconds")
    emulated_location(getattr(args, "location", None))  # an unknown code is one line, before any work
    sock = bind(args.host, args.port)  # a port in use or a bad host is one line, before any work
    if warning := host_warning(args.host, args.expose_controls):
        print(warning, file=sys.stderr, flush=True)
    print("Preparing the demo fleet...", file=sys.stderr, flush=True)
    state = EmulatorState(seed=args.seed, drives=args.drives, snapshots=args.snapshots, users=users, db=args.db,
                          location=getattr(args, "location", None))
    app = create_app(state=state, fail_rate=args.fail_rate, latency_ms=args.latency_ms,
                     faults={"deletion_delay_seconds": args.deletion_delay}, expose_controls=args.expose_controls)
    server = EmulatorServer(app, host=args.host, port=args.port, sock=sock)
    server.start()
    try:  # from here on a Ctrl-C (wherever it lands) stops the server and saves the state
        demo = state.accounts[users[0][0]]
        where = f" as location {state.location.code} ({state.location.display_name}, {state.location.currency})" \
            if state.location else ""
        print(f"CloudSigma API 2.0 emulator{where} listening on {server.base_url}/api/2.0/")
        for email, password in users:
            # The demo's password is published; a password given with --user stays off the screen and logs.
            shown = password if (email, password) == (DEMO_USERNAME, DEMO_PASSWORD) else f"({sources[email]})"
            print(f"  username: {email}\n  password: {shown}")
        backups = f", {len(demo.remotesnapshots)} remote snapshots" if len(demo.remotesnapshots) else ""
        print(f"  fleet: {len(demo.drives)} drives, {len(demo.snapshots)} snapshots{backups} (seed {args.seed})"
              + (f", state in {args.db}" if args.db else ", state in memory"))
        print(f"  controls: {server.base_url}/_emulator/info   (Ctrl-C stops)", flush=True)
        server.wait()
    except KeyboardInterrupt:
        print("\nstopping...", file=sys.stderr)
    finally:
        server.stop()
        state.close()
    return 0
