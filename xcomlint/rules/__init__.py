"""xcomlint's rules. Each module holds one rule; ``catalog`` imports them all."""

from .registry import RULES, Report, Rule, all_rules, get_rule

__all__ = ["RULES", "Report", "Rule", "all_rules", "get_rule"]
