"""Course templates as data: phases, visit lengths, limits, each number with source ids."""

from trdnav.domain.protocols.loader import ProtocolError, default_templates, load_templates
from trdnav.domain.protocols.schema import CourseTemplate, Phase, VisitLength

__all__ = [
    "CourseTemplate",
    "Phase",
    "ProtocolError",
    "VisitLength",
    "default_templates",
    "load_templates",
]
