"""Writing only regular files, all at once: what `cooptrack.files` refuses and what it leaves."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cooptrack import files
from cooptrack.errors import InputError


def write(path: Path, text: str, *, make_parents: bool = False) -> None:
    with files.replacing(path, make_parents=make_parents) as temporary:
        temporary.write_text(text, encoding="utf-8")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_new_file_appears_whole_with_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write(target, "a,b\n")
    assert target.read_text() == "a,b\n"
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert leftovers(tmp_path) == []


def test_a_regular_file_is_replaced_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    write(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), files.replacing(target, leftovers=(".wal",)) as temporary:
        temporary.write_text("half")
        Path(f"{temporary}.wal").write_text("log")
        raise RuntimeError("the writer failed")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def special_targets(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    folder = tmp_path / "folder"
    folder.mkdir()
    regular = tmp_path / "regular.csv"
    regular.write_text("keep")
    link = tmp_path / "link.csv"
    link.symlink_to(regular)
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    return {
        "folder": (folder, "is a folder"),
        "link": (link, "is a symbolic link"),
        "dangling link": (dangling, "is a symbolic link"),
        "named pipe": (fifo, "is a named pipe"),
        "device": (device_node(tmp_path), "is a device"),
        "under a file": (regular / "x.csv", "is a file, not a folder"),
        "under a link to a file": (link / "x.csv", "is a file, not a folder"),
    }


SPECIAL = ["folder", "link", "dangling link", "named pipe", "device", "under a file"]


@pytest.mark.parametrize("case", [*SPECIAL, "under a link to a file"])
def test_what_is_not_a_regular_file_is_refused_and_left_alone(tmp_path: Path, case: str) -> None:
    path, message = special_targets(tmp_path)[case]
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(InputError, match=message):
        write(path, "new", make_parents=True)
    assert sorted(os.listdir(tmp_path)) == before
    assert (tmp_path / "regular.csv").read_text() == "keep"
    assert (tmp_path / "link.csv").is_symlink() and (tmp_path / "dangling.csv").is_symlink()
    assert stat.S_ISFIFO(os.lstat(tmp_path / "fifo").st_mode)


def test_missing_folders_are_made_only_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.csv"
    with pytest.raises(InputError, match="there is no folder"):
        write(target, "x")
    assert not (tmp_path / "a").exists()
    write(target, "x", make_parents=True)
    assert target.read_text() == "x"


def test_an_unwritable_folder_is_one_message(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        target = Path("/proc/cooptrack-test/out.csv")  # even root cannot make folders here
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "out.csv"
    with pytest.raises(InputError, match="cannot"):
        write(target, "x", make_parents=True)


def test_a_new_folder_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "backups" / "one"
    with files.new_folder(target) as temporary:
        (temporary / "a.parquet").write_text("data")
        assert not target.exists()
    assert [p.name for p in target.iterdir()] == ["a.parquet"]
    failed = tmp_path / "backups" / "two"
    with pytest.raises(RuntimeError), files.new_folder(failed) as temporary:
        (temporary / "a.parquet").write_text("half")
        raise RuntimeError("export failed")
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == ["one"]


def test_an_empty_folder_may_be_filled_but_nothing_else(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with files.new_folder(empty) as temporary:
        (temporary / "x").write_text("x")
    assert (empty / "x").read_text() == "x"
    refused = {
        "not empty": empty,
        "is a file": tmp_path / "file",
        "is a symbolic link": tmp_path / "link",
        "a part of the path is a file": tmp_path / "file" / "below",
    }
    (tmp_path / "file").write_text("keep")
    (tmp_path / "link").symlink_to(tmp_path / "other")
    for message, path in refused.items():
        with pytest.raises(InputError, match=message), files.new_folder(path):
            pytest.fail(f"{path} was accepted")
    assert not (tmp_path / "other").exists()


def test_same_file_sees_through_links_and_tolerates_nonsense(tmp_path: Path) -> None:
    original = tmp_path / "db.duckdb"
    original.write_text("x")
    (tmp_path / "hard").hardlink_to(original)
    (tmp_path / "soft").symlink_to(original)
    assert files.same_file(tmp_path / "hard", original)
    assert files.same_file(tmp_path / "soft", original)
    assert not files.same_file(tmp_path / "absent", original)
    assert not files.same_file(Path("nul\x00byte"), original)


def device_node(folder: Path) -> Path:
    """A character device to aim writes at: made in `folder` when allowed (so a regression
    cannot replace a real one), else /dev/null, which only root could replace."""
    node = folder / "null-device"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        if os.geteuid() == 0:
            pytest.skip("cannot make a device node here, and /dev/null is not safe as root")
        return Path("/dev/null")
    return node
