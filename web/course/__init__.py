"""A certification course's life, shared by the candidate, proctor and centre spaces."""
