"""reply-rewriter: rewrites support agents' chat drafts, cites etiquette rules, verifies honesty."""

__version__ = "0.1.0"
