import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pervichka.core.roles import Role
from pervichka.media import services
from tests.factories import UserFactory, grant


def news_data(prefix: str = "Талшик", **changes) -> services.NewsData:
    data = services.NewsData(
        title=f"{prefix}: субботник",
        title_kk=f"{prefix}: сенбілік",
        lead="Жители села убрали парк у школы.",
        lead_kk="Ауыл тұрғындары мектеп жанындағы саябақты тазалады.",
        body="<p>В субботу <strong>сорок</strong> человек вышли на уборку.</p>",
        body_kk="<p>Сенбі күні <strong>қырық</strong> адам тазалыққа шықты.</p>",
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def jpeg_bytes(size=(3000, 2000), *, exif: bool = True) -> bytes:
    image = Image.new("RGB", size, (120, 160, 200))
    buffer = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "PhoneMaker"  # Make
        tags[0x0110] = "Phone 15"  # Model
        gps = tags.get_ifd(0x8825)
        gps[1] = "N"
        gps[2] = (54.0, 52.0, 30.0)
        gps[3] = "E"
        gps[4] = (69.0, 9.0, 0.0)
        image.save(buffer, "JPEG", exif=tags)
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def jpeg_upload(name: str = "photo.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


@pytest.fixture
def correspondent_a(tree):
    user = UserFactory(username="corr_a", email="corr_a@example.org")
    return grant(user, Role.CORRESPONDENT, tree.primary_a)


@pytest.fixture
def correspondent_b(tree):
    user = UserFactory(username="corr_b", email="b@example.org")
    return grant(user, Role.CORRESPONDENT, tree.primary_b)


@pytest.fixture
def press_secretary(tree):
    user = UserFactory(username="press", email="press@example.org")
    return grant(user, Role.PRESS_SECRETARY, tree.district)


@pytest.fixture
def press_secretary_other(tree):
    user = UserFactory(username="press_other", email="press_other@example.org")
    return grant(user, Role.PRESS_SECRETARY, tree.other_district)


@pytest.fixture
def draft(correspondent_a, tree):
    return services.news_create(actor=correspondent_a, unit=tree.primary_a, data=news_data())


@pytest.fixture
def published(draft, correspondent_a, press_secretary):
    item = services.news_act(actor=correspondent_a, item=draft, action="submit")
    item = services.news_act(actor=press_secretary, item=item, action="approve")
    return services.news_act(actor=press_secretary, item=item, action="publish")
