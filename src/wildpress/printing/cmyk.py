"""CMYK print PDFs (``--colour cmyk``): WeasyPrint's sRGB PDF converted by Ghostscript.

Ghostscript's ``pdfwrite`` converts every colour, vector and image to DeviceCMYK through its
bundled CMYK profile (``default_cmyk.icc``, a SWOP-like coated press profile: Ghostscript ships
no FOGRA or GRACoL profile, and Debian packages none). The same profile is then embedded as the
PDF's output intent (``/OutputIntents``, ``GTS_PDFX``), so a print shop's preflight knows what
the CMYK numbers mean. A shop that wants FOGRA39 or GRACoL converts from the sRGB PDF itself.

Ghostscript runs with ``-dSAFER`` (it may read only the input and its own resources, never
other files, and cannot run programs), with no network, under :data:`GS_TIME_LIMIT_S`, on copies
in a private ``.part`` folder inside the output folder that is removed afterwards.
"""

from __future__ import annotations

import glob
import io
import secrets
import subprocess
from pathlib import Path

from ..errors import RenderError

GS_TIME_LIMIT_S = 300
MAX_PROFILE_BYTES = 4 * 1024 * 1024
MAX_CMYK_PDF_BYTES = 512 * 1024 * 1024
PROFILE_NAME = "Ghostscript default CMYK (default_cmyk.icc, SWOP-like coated)"
INSTALL = ("install Ghostscript (Debian/Ubuntu: sudo apt-get install ghostscript; macOS: brew install "
           "ghostscript; Windows: ghostscript.com), or build without --colour cmyk")


def ghostscript() -> str:
    """The ``gs`` program; a RenderError saying how to install it where it is missing."""
    from ..oscompat import ghostscript_command

    found = ghostscript_command()
    if not found:
        raise RenderError(f"--colour cmyk needs Ghostscript, which is not installed: {INSTALL}")
    return found


def cmyk_profile(program: str) -> bytes:
    """Ghostscript's own CMYK profile (``iccprofiles/default_cmyk.icc`` of its installation)."""
    roots = [Path(program).resolve().parent.parent / "share" / "ghostscript", Path("/usr/share/ghostscript"),
             Path(program).resolve().parent.parent / "iccprofiles"]
    for root in roots:
        found = sorted(glob.glob(str(root / "**" / "default_cmyk.icc"), recursive=True))
        if found:
            from ..safety.confine import read_regular

            return read_regular(found[-1], MAX_PROFILE_BYTES)
    raise RenderError("Ghostscript is installed but its CMYK profile (default_cmyk.icc) was not found; "
                      "reinstall Ghostscript")


def _convert(program: str, source: Path, target: Path, label: str) -> None:
    command = [program, "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dQUIET", "-sDEVICE=pdfwrite",
               "-sColorConversionStrategy=CMYK", "-sProcessColorModel=DeviceCMYK", "-dAutoRotatePages=/None",
               "-dCompatibilityLevel=1.6", "-dPDFSETTINGS=/prepress", f"-sOutputFile={target}", str(source)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=GS_TIME_LIMIT_S, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise RenderError(f"{label}: Ghostscript took more than {GS_TIME_LIMIT_S} s converting it to CMYK") from None
    if done.returncode != 0 or not target.exists():
        from ..terminal import for_terminal

        said = for_terminal(done.stderr.decode("utf-8", "replace").strip()[-300:])
        raise RenderError(f"{label}: Ghostscript could not convert it to CMYK (exit {done.returncode}): {said}")


def _with_output_intent(data: bytes, profile: bytes, original: bytes) -> bytes:
    """``data`` with ``profile`` as its only output intent and ``original``'s document info kept."""
    import pikepdf

    with pikepdf.open(io.BytesIO(original)) as before:
        info = {key: str(value) for key, value in before.docinfo.items()}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stream = pikepdf.Stream(pdf, profile)
        stream["/N"] = 4
        intent = pikepdf.Dictionary(Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
                                    OutputConditionIdentifier=pikepdf.String("CGATS TR 001 (SWOP)"),
                                    OutputCondition=pikepdf.String(PROFILE_NAME),
                                    Info=pikepdf.String(PROFILE_NAME), RegistryName=pikepdf.String("http://www.color.org"),
                                    DestOutputProfile=pdf.make_indirect(stream))
        pdf.Root.OutputIntents = pikepdf.Array([intent])
        _cmyk_blending(pdf)
        for key, value in info.items():
            pdf.docinfo[key] = value  # Creator 'wildpress ...' marks the file as ours
        pdf.docinfo["/Producer"] = f"{info.get('/Producer', 'wildpress')}; CMYK by Ghostscript"
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _cmyk_blending(pdf) -> None:
    """Transparency groups blend in DeviceCMYK: Ghostscript converts the colours but keeps the
    groups' /CS /DeviceRGB, which preflight reports as RGB left in the file."""
    import pikepdf

    for obj in pdf.objects:
        holder = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
        if not isinstance(holder, pikepdf.Dictionary):
            continue
        for group in (holder, holder.get("/Group")):
            if (isinstance(group, pikepdf.Dictionary) and group.get("/S") == pikepdf.Name.Transparency
                    and group.get("/CS") == pikepdf.Name.DeviceRGB):
                group.CS = pikepdf.Name.DeviceCMYK


def to_cmyk(data: bytes, label: str, out) -> bytes:
    """The sRGB PDF ``data`` as a CMYK PDF with an output intent. Ghostscript's copies go to a
    private ``.part`` folder of the output folder ``out`` (the checked writer), removed afterwards."""
    from ..safety.confine import read_regular

    program = ghostscript()
    profile = cmyk_profile(program)
    work = f".cmyk.{secrets.token_hex(6)}.part"
    out.mkdir(work)
    try:
        source = out.write(f"{work}/rgb.pdf", data)
        target = out.target(f"{work}/cmyk.pdf")
        _convert(program, source, target, label)
        return _with_output_intent(read_regular(target, MAX_CMYK_PDF_BYTES), profile, data)
    finally:
        out.remove_tree(work)
