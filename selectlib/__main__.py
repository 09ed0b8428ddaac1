"""``python -m selectlib``: run the command line."""

from selectlib.cli.app import main

if __name__ == "__main__":
    main()
