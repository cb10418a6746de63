"""The authorization matrix: who may reach which URL (policy), and the data
every role meets there (world). Read by tests/test_authorization_matrix.py."""
