"""The public form as a person on a phone meets it (issue 14, point 6): errors gathered at the
top with links to their fields, no topic chosen for them, a lost attachment said plainly, a
confirmation that tells them to keep the number and the code, and whose reception this is."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pervichka.appeals.models import Appeal
from pervichka.orgs.enums import OrgKind
from tests.appeals.test_public import form_data
from tests.factories import SettlementFactory, make_unit

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def _summary(html: str) -> str:
    match = re.search(r'<div[^>]*id="error-summary".*?</div>', html, re.S)
    assert match, "no error summary at the top of the form"
    return match.group(0)


def test_errors_are_summed_up_at_the_top_with_links_to_their_fields(tree, client, categories):
    response = client.post(reverse("public:submit"), form_data(tree, consent="", text=""))
    assert response.status_code == 200
    html = response.content.decode()
    summary = _summary(html)
    # Before the first field, focusable, and each error links to its field.
    assert html.index('id="error-summary"') < html.index('id="id_surname"')
    assert 'tabindex="-1"' in summary
    assert "data-error-summary" in summary
    assert 'href="#id_consent"' in summary
    assert 'href="#id_text"' in summary
    assert "Без вашего согласия мы не можем зарегистрировать обращение." in summary
    assert not Appeal.objects.exists()


def test_no_topic_is_chosen_for_the_citizen_and_none_chosen_is_refused(tree, client, categories):
    page = client.get(reverse("public:submit")).content.decode()
    select = re.search(r'<select name="category".*?</select>', page, re.S).group(0)
    # Only the empty first choice, "— choose the topic —", is selected.
    assert re.findall(r'<option value="([^"]*)"[^>]*selected', select) == [""]
    assert "required" in select

    response = client.post(reverse("public:submit"), form_data(tree, category=""))
    assert response.status_code == 200
    assert 'href="#id_category"' in _summary(response.content.decode())
    assert not Appeal.objects.exists()


def test_a_refused_form_says_the_attached_file_must_be_attached_again(tree, client, categories):
    data = form_data(tree, consent="")
    data["photos"] = SimpleUploadedFile("pit.png", PNG, content_type="image/png")
    response = client.post(reverse("public:submit"), data)
    html = response.content.decode()
    summary = _summary(html)
    assert 'id="files-dropped"' in summary
    assert "Прикреплённый файл не сохранился: прикрепите его ещё раз." in summary
    # Without a file, nothing is said about files.
    response = client.post(reverse("public:submit"), form_data(tree, consent=""))
    assert 'id="files-dropped"' not in response.content.decode()


def test_the_confirmation_says_to_keep_the_number_and_code_and_offers_the_slip(
    tree, client, categories
):
    response = client.post(reverse("public:submit"), form_data(tree), follow=True)
    appeal = Appeal.objects.get()
    html = response.content.decode()
    assert 'id="appeal-sent"' in html
    assert "Сохраните регистрационный номер и код отслеживания" in html
    assert reverse("public:coupon", args=[appeal.tracking_code]) in html
    assert appeal.number in html
    assert appeal.tracking_code_display in html
    # A later visit by the code is the tracking page, without the confirmation.
    later = client.get(reverse("public:track_code", args=[appeal.tracking_code]))
    assert 'id="appeal-sent"' not in later.content.decode()
    slip = client.get(reverse("public:coupon", args=[appeal.tracking_code]))
    assert appeal.tracking_code_display in slip.content.decode()


def test_the_confirmation_in_kazakh(tree, client, categories):
    client.cookies["pervichka_language"] = "kk"
    response = client.post(reverse("public:submit"), form_data(tree), follow=True)
    html = response.content.decode()
    assert 'id="appeal-sent"' in html
    assert "Төмендегі тіркеу нөмірі мен бақылау кодын сақтап қойыңыз" in html


def test_the_start_page_and_the_form_name_the_branch_and_district(tree, client):
    for name in ("public:home", "public:submit"):
        html = client.get(reverse(name)).content.decode()
        line = re.search(r'<p[^>]*id="branch-line".*?</p>', html, re.S).group(0)
        assert "Акжарский район" in line
        assert "Северо-Казахстанская область" in line
        assert "Партия" in line
        # The other district of the region has a village on the form too: it is named.
        assert "Другой район" in line


def test_a_national_portal_names_no_list_of_districts(tree, client):
    for i in range(3):
        district = make_unit(tree.region, OrgKind.DISTRICT, f"Район {i}", code=f"R{i}")
        SettlementFactory(district=district, name=f"Село {i}", kato=f"59350{i}100")
    html = client.get(reverse("public:home")).content.decode()
    assert 'id="branch-line"' not in html
