"""Peer networking at a meal: who should meet whom (complementary introductions) and who sits where."""
