"""Tests of the email checker and the SMTP guard."""
