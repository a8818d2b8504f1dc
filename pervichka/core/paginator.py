"""A paginator that stops counting at a cap.

An exact COUNT over a million appeals that contain a common word costs as much as fetching
the page itself; nobody reads past the thousandth row of a work queue. Counting at most
`cap + 1` rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`) keeps the list as fast as its
page query, and the page says "more than 1,000: narrow the filters".
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    cap = 1000

    @cached_property
    def count(self) -> int:
        # Without the ordering, the LIMIT stops the scan at the cap instead of sorting all.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap
