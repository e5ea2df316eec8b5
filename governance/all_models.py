"""Import every package's models so ``Base.metadata`` knows all tables (migrations, tests)."""

import governance.models  # noqa: F401
import governance.ops_models  # noqa: F401
import governance.keyring  # noqa: F401
import pii.models  # noqa: F401
import workforce.models  # noqa: F401
import reports.models  # noqa: F401
