"""The words of one subject that several checks use, one list each."""
