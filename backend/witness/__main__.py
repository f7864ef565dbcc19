import sys

from backend.witness.cli import main

sys.exit(main())
