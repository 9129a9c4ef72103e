"""Pairs (admin): forming one (`form`), the list and a pair's card (`cards`), and what a card
changes (`changes`). History is never overwritten."""
