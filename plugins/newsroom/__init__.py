from .newsroom import register

__all__ = ["register"]
