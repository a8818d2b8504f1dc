"""Schemathesis over /api/v1/openapi.json, over real HTTP, as a district administrator with
an API token: no request, valid or not, may make the server fail (5xx), and every response
must match the schema the API publishes. Few examples per operation in CI; raise
`PERVICHKA_FUZZ_EXAMPLES` to search longer."""

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pervichka.accounts.services import api_token_create
from pervichka.dues.models import DuesRate
from tests.factories import MembershipFactory

EXAMPLES = os.environ.get("PERVICHKA_FUZZ_EXAMPLES", "8")


@pytest.mark.django_db(transaction=True)
def test_api_survives_fuzzing_and_matches_its_schema(
    live_server, tree, district_admin, categories, settings, tmp_path
):
    st = Path(sys.executable).parent / "st"
    if not st.exists() and not shutil.which("st"):
        pytest.skip("schemathesis is not installed: run `make test`, which installs it")
    settings.PERVICHKA_PUBLIC_RATE_PER_HOUR = 1_000_000
    for category in ("working", "pensioner", "student", "unemployed"):
        DuesRate.objects.create(
            district=tree.district, category=category, amount=500, valid_from=dt.date(2020, 1, 1)
        )
    for _ in range(3):
        MembershipFactory(primary=tree.primary_a)
    _token, raw = api_token_create(actor=district_admin, name="fuzz")
    result = subprocess.run(
        [
            str(st),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--url",
            live_server.url,
            "-H",
            f"Authorization: Bearer {raw}",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            EXAMPLES,
            "--seed",
            "20261129",
            "--phases",
            "examples,fuzzing",
            "--no-color",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    Path("/tmp/st-out.txt").write_text(result.stdout)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
