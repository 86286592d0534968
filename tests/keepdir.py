# keepdir.py - the '--keep DIR' option the random tiers checks share
# (check-tiers-claims.py, check-tiers-expose.py, check-tiers-lint.py).
# SPDX-License-Identifier: Apache-2.0


def take_keep(args):
    """Remove '--keep DIR' from the argument list 'args'; DIR, or None without it."""
    if "--keep" not in args:
        return None
    i = args.index("--keep")
    keep = args[i + 1]
    del args[i:i + 2]
    return keep
