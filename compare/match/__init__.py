"""Matching: score base measures against plan sentences, compare targets, classify statuses; results.py is
what a judgement is, the data every renderer reads."""
