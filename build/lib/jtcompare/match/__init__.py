"""Matching: score base measures against plan sentences, compare targets, classify statuses."""
