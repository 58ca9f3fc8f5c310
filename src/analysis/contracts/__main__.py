"""``python -m analysis.contracts --markdown docs/data_dictionary.md``: regenerate the data dictionary."""
import sys

from analysis.contracts import main

sys.exit(main())
