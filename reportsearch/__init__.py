"""reportsearch: full-text search for Chinese government reports, by section."""
from .model import Block, Metadata, Report, Section
from .outline import outline

__version__ = "0.1.0"
__all__ = ["Block", "Metadata", "Report", "Section", "outline", "__version__"]
