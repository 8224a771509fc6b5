"""wildpress: species data (YAML) + print layouts (Jinja2 + CSS) -> print-ready PDFs.

The Python API mirrors the command line::

    from wildpress import assemble, build
    result = build(assemble(root="my-project"))             # a project folder, as `wildpress build` there
    result = build(assemble(root="my-project", layouts=["poster"], sizes=["A1"], given={"bleed": "3mm"}))
"""

__version__ = "0.1.0"
GENERATOR = f"wildpress {__version__}"  # the PDFs' Creator: how a file wildpress wrote is recognised

from .build import BuildResult, Settings, build  # noqa: E402  (needs __version__ first)
from .errors import WildpressError  # noqa: E402
from .request import BuildRequest, assemble  # noqa: E402

__all__ = ["assemble", "build", "BuildRequest", "BuildResult", "Settings", "WildpressError", "__version__"]
