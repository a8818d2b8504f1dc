"""Issue 13, point 2: `?iin=` on the persons API confirms an IIN only to whom may read it."""


def test_the_persons_api_refuses_an_iin_filter_to_the_auditor(
    api_as, tree, auditor, district_admin, member_a
):
    refused = api_as(auditor, language="en").get("/persons", params={"iin": member_a.person.iin})
    assert refused.status_code == 400
    assert refused.json()["message"] == (
        "You may not search by IIN: IINs are masked for your role."
    )
    found = api_as(district_admin).get("/persons", params={"iin": member_a.person.iin})
    assert [p["id"] for p in found.json()["items"]] == [member_a.person_id]
