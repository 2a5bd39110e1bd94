"""copydesk's built-in checks, one module per check.

Installed as ``copydesk.checks``; each module registers its check through the
same ``register_checks`` hook a third-party plugin uses. Defaults for every
option live in the top-level ``rules.yaml``.
"""
