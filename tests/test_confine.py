"""The one confined reader: real paths inside allowed roots, regular files, size caps."""

from __future__ import annotations

import os

import pytest

from wildpress.errors import Refused
from wildpress.safety.confine import Confinement, read_regular


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    (root / "a").mkdir(parents=True)
    (root / "a" / "f.txt").write_text("inside")
    (tmp_path / "secret.txt").write_text("outside")
    return root


def test_dotdot_that_stays_inside_is_fine_and_one_that_leaves_is_refused(project):
    c = Confinement.for_project(project)
    assert c.read_text(project / "a" / ".." / "a" / "f.txt") == "inside"
    with pytest.raises(Refused, match=r"refused .*secret\.txt: it is outside the project folder"):
        c.read_text(project / ".." / "secret.txt", asker="t.html")


def test_the_refusal_names_the_file_that_asked(project):
    (project / "link.txt").symlink_to(project.parent / "secret.txt")
    with pytest.raises(Refused) as err:
        Confinement.for_project(project).read_text(project / "link.txt", asker="layouts/x/layout.yaml")
    assert str(err.value) == (f"layouts/x/layout.yaml: refused {project / 'link.txt'} (a link to "
                              f"{project.parent / 'secret.txt'}): it is outside the project folder and "
                              "wildpress's own layouts and fonts")


def test_loops_folders_devices_and_size(project):
    (project / "loop").symlink_to(project / "loop")
    with pytest.raises(Refused, match="cannot read .*loop: "):
        read_regular(project / "loop")
    with pytest.raises(Refused, match="is a folder, not a regular file"):
        read_regular(project / "a")
    with pytest.raises(Refused, match="is a character device, not a regular file"):
        read_regular("/dev/zero")
    with pytest.raises(Refused, match=r"f\.txt is 6 bytes; the limit is 5"):
        read_regular(project / "a" / "f.txt", max_bytes=5)
    os.mkfifo(project / "pipe")
    with pytest.raises(Refused, match="is a FIFO"):
        read_regular(project / "pipe")  # returns at once: never opened


def test_a_named_link_does_not_widen_the_roots(project, tmp_path):
    (project / "species").symlink_to(tmp_path)
    roots = Confinement.for_project(project, [project / "species"]).roots
    assert tmp_path.resolve() not in roots
    assert (tmp_path / "x").resolve() not in roots
