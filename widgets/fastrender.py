"""Make Voila's page rendering cheap, so one busy moment does not stall the server.

Voila builds a new nbconvert exporter, and so a new Jinja environment, for
every page it renders (preheated pool refills included).  Each one compiled
the whole template chain again, and nbconvert re-validated the notebook
against the JSON schema after every preprocessor.  Profiling ten learners
arriving at once (py-spy, 50 Hz) found these two took about 80% of the
server's time, on the one thread that also answers every other request.

- Compiled templates are kept in one in-memory bytecode cache shared by all
  exporters.  Jinja keys it by template name and source checksum, so an
  edited template is compiled afresh; the key here also carries the
  environment's settings, so async and sync environments never share code.
- The per-preprocessor re-validation is skipped.  Lessons are validated when
  they are read, and by ``python -m widgets.validate`` and the test suite.
"""

from __future__ import annotations

import jinja2


class SharedBytecodeCache(jinja2.BytecodeCache):
    """Compiled Jinja templates, kept in memory and shared across environments."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def get_bucket(self, environment, name, filename, source):
        flavour = f"{environment.is_async}:{','.join(sorted(environment.extensions))}"
        key = f"{flavour}:{self.get_cache_key(name, filename)}"
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._store.clear()


CACHE = SharedBytecodeCache()


def install(exporter_class) -> None:
    """Give every exporter of this class the shared cache; skip re-validation."""
    if getattr(exporter_class, "_course_fast", False):
        return
    create = exporter_class._create_environment

    def create_environment(self):
        env = create(self)
        env.bytecode_cache = CACHE
        return env

    def no_revalidation(self, nb, preprocessor):
        return None

    exporter_class._create_environment = create_environment
    exporter_class._validate_preprocessor = no_revalidation
    exporter_class._course_fast = True
