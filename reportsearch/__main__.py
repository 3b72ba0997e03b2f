"""`python -m reportsearch`, and the `reportsearch` command (setup.cfg's entry point is run).

The CLI's libraries take about a fifth of a second to import, before cli.main can catch
anything: Ctrl-C in that time is the same one line and exit code as at any later moment."""
import sys

INTERRUPTED = 130  # cli.Exit.INTERRUPTED, which is not imported yet


def run() -> None:
    try:
        from .cli import main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(INTERRUPTED)
    main()


if __name__ == "__main__":
    run()
