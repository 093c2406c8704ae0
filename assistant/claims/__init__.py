"""Claim analysis: assertion modes, contestedness signals and flags (see docs/claims.md)."""
