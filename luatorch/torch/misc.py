"""torch.Timer, torch.Tester / TestSuite, tic/toc, threads, pointer and other utilities."""

__all__ = []
