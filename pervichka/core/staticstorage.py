"""Static files as `make run` and production serve them: collected once, compressed (gzip, and
Brotli where the package is installed), named with a hash of their content, so that WhiteNoise
can let browsers keep them for a year; a changed file gets a new name.

Django's manifest storage writes the plain names while DEBUG is on, and then nothing may be
cached for long. `make run` keeps DEBUG on (a developer's laptop) yet serves what a phone on a
rural network gets in production, so the hashed names are used whatever DEBUG says. Run
`collectstatic` (as `make run` does) after changing a file under static/."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticStorage(CompressedManifestStaticFilesStorage):
    def url(self, name, force=False):
        return super().url(name, force=True)
