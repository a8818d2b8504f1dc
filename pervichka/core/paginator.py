"""A paginator that stops counting at a cap, and does not count a list that fits one page.

An exact COUNT over a million appeals that contain a common word costs as much as fetching
the page itself; nobody reads past the thousandth row of a work queue. Counting at most
`cap + 1` rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`) keeps the list as fast as its
page query, and the page says "more than 1,000: narrow the filters".

The first page is fetched before anything is counted: when it holds fewer rows than a page,
those rows are the whole list and their number is the count, with no COUNT query at all
(a search that finds a few, a chair's short queue). A full first page is counted (capped) and
served from the rows already fetched, never fetched twice.
"""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
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

    def get_page(self, number) -> Page:
        try:
            first = int(number) == 1
        except (TypeError, ValueError):
            first = False
        if not first or self.orphans or not isinstance(self.object_list, QuerySet):
            return super().get_page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # the whole list is on this page
        return self._get_page(rows, 1, self)
