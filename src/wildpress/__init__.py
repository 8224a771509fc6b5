"""wildpress: species data (YAML) + print layouts (Jinja2 + CSS) -> print-ready PDFs.

The Python API mirrors the command line::

    from wildpress import build
    result = build(["data/species/amur-leopard.yaml"], layouts=["factsheet"], sizes=["A4"], out_dir="out")
"""

__version__ = "0.1.0"
GENERATOR = f"wildpress {__version__}"  # the PDFs' Creator: how a file wildpress wrote is recognised

from .build import BuildResult, Settings, build  # noqa: E402  (needs __version__ first)
from .errors import WildpressError  # noqa: E402

__all__ = ["build", "BuildResult", "Settings", "WildpressError", "__version__"]
