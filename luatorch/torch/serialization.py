"""torch.save / torch.load / serialize / deserialize and Torch7's File classes."""

__all__ = []
