"""What media does when the people register announces something (connected in
MediaConfig.ready, so that people never imports media)."""

from pervichka.media.services import photos_take_down
from pervichka.people.enums import ConsentPurpose


def on_consent_withdrawn(sender, *, person_id: int, purpose: str, actor=None, **kwargs) -> None:
    """A withdrawn consent to the publication of photos takes that person's photos down."""
    if purpose == ConsentPurpose.PHOTOS:
        photos_take_down(person_id=person_id, actor=actor)
