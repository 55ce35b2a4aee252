"""Outgoing email about students: the checker, and the SMTP guard that applies it.

The checker (``checker``) reads a message and says pass, warn or block, with
each finding's rule and citation; it never keeps or logs the body. The guard
(``guard``) stands between mail clients and the real relay and acts on it.
"""
