"""Uploads are bounded (issue 13, point 4): a zip bomb, a sheet of a million rows and an
oversized file are refused with a message, and the server's memory stays flat."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.reader.excel import ExcelReader

from pervichka.core.uploads import check_xlsx
from pervichka.people.importing import member_import_check
from pervichka.people.models import MemberImport
from tests.people.test_import import HEADER, row, xlsx

pytestmark = pytest.mark.hostile


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


ROOT = Path(__file__).resolve().parents[2]
GIGABYTE = 1024**3
SST = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _with_shared_strings(path: Path, write_strings) -> Path:
    """A real member workbook with a sharedStrings.xml written by `write_strings(stream)`
    and declared in [Content_Types].xml, so that openpyxl would load it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(row())
    buffer = io.BytesIO()
    workbook.save(buffer)
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/>'
                    "</Types>".encode(),
                )
            target.writestr(entry, content)
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(f'<sst xmlns="{SST}">'.encode())
            write_strings(out)
            out.write(b"</sst>")
    return path


def _bomb(path: Path, *, expands_to: int = GIGABYTE) -> Path:
    """About 1 MB on disk; its one shared string inflates to about `expands_to` bytes."""
    chunk = b"A" * (1024 * 1024)

    def one_huge_string(out):
        out.write(b"<si><t>")
        for _ in range(expands_to // len(chunk)):
            out.write(chunk)
        out.write(b"</t></si>")

    return _with_shared_strings(path, one_huge_string)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    return _bomb(tmp_path_factory.mktemp("bomb") / "members.xlsx")


def test_the_bomb_is_small_on_disk_and_huge_inside(bomb):
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size >= GIGABYTE


def test_a_zip_bomb_is_refused_before_parsing_with_a_clear_message(bomb):
    with pytest.raises(ValidationError) as exc:
        check_xlsx(bomb)
    assert "zip bomb" in " ".join(exc.value.messages)


def test_the_member_import_refuses_a_zip_bomb_and_keeps_nothing(tree, chair_a, bomb):
    upload = SimpleUploadedFile("members.xlsx", bomb.read_bytes())
    with pytest.raises(ValidationError) as exc:
        member_import_check(actor=chair_a, upload=upload)
    assert "zip bomb" in " ".join(exc.value.message_dict["file"])
    assert not MemberImport.objects.exists()


_MEASURE = """
import json, os, resource, sys
from pathlib import Path
import django
django.setup()
from django.utils import translation
from pervichka.people.importing import ImportFileError, read_rows
translation.activate("en")
idle = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    for _ in read_rows(Path(sys.argv[1]), "members.xlsx"):
        pass
    message = None
except ImportFileError as exc:
    message = str(exc)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grown_kb": peak - idle, "message": message}))
"""


def test_reading_a_zip_bomb_keeps_memory_under_100_mb_above_idle(bomb):
    """Measured in a process of its own: ru_maxrss is the peak of the whole process."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PERVICHKA_TESTING": "1"}
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(bomb)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert "zip bomb" in measured["message"]
    assert measured["grown_kb"] < 100 * 1024


def test_too_many_shared_strings_are_refused(tmp_path, settings):
    settings.PERVICHKA_XLSX_MAX_SHARED_STRINGS = 10

    def many(out):
        for n in range(20):
            out.write(f"<si><t>Фамилия{n}</t></si>".encode())

    path = _with_shared_strings(tmp_path / "many.xlsx", many)
    reader = ExcelReader(path, read_only=True)  # what load_workbook would hold in memory
    reader.read_manifest()
    reader.read_strings()
    assert len(reader.shared_strings) == 20
    with pytest.raises(ValidationError) as exc:
        check_xlsx(path)
    assert "more than 10 different texts" in " ".join(exc.value.messages)


def test_a_file_with_more_rows_than_the_setting_is_refused(tree, chair_a, settings):
    settings.PERVICHKA_IMPORT_MAX_ROWS = 3
    with pytest.raises(ValidationError) as exc:
        member_import_check(actor=chair_a, upload=xlsx([row() for _ in range(5)]))
    assert "more than 3 rows" in " ".join(exc.value.message_dict["file"])
    assert not MemberImport.objects.exists()


def test_a_sheet_declaring_16384_columns_is_read_to_our_columns_only(tree, chair_a):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(row())
    sheet.cell(row=2, column=16384, value="far away")
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = member_import_check(
        actor=chair_a, upload=SimpleUploadedFile("wide.xlsx", buffer.getvalue())
    )
    assert (job.total_rows, job.valid_rows) == (1, 1)


def test_an_import_larger_than_the_setting_is_refused(tree, chair_a, settings):
    settings.PERVICHKA_IMPORT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as exc:
        member_import_check(actor=chair_a, upload=SimpleUploadedFile("big.csv", b"a;b\n" * 300_000))
    assert "1 MB" in " ".join(exc.value.message_dict["file"])


def test_a_request_body_over_the_limit_is_answered_413_unread(client, settings):
    settings.PERVICHKA_MAX_REQUEST_BYTES = 1024 * 1024
    response = client.post(
        "/members/import/",
        data=b"x" * (1024 * 1024 + 1),
        content_type="application/octet-stream",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert response.content.decode() == "The upload is larger than 1 MB."
